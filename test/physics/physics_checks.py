"""Invariants every run must satisfy, whatever its parameters (used by physics_sweeps.py).

Each check takes the parsed stats.json and config.yaml of one run and returns a list of
problems (empty: holds). They reconcile figures the models report independently:

  energy    per module: each action's energy = count x energy per action; dynamic = sum of the
            actions; static = static power x simulated time; total = dynamic + static; the run's
            totals = sums over modules.
  actions   action counts against the counters that caused them (HBM bits moved, SRAM words,
            memory bytes, STAR unit cycles: active = compute cycles, active + idle = run cycles).
  mesh      bytes conserved: injected = delivered; per router, what enters = what leaves (payload
            bytes and packets); router-to-router packet crossings = packet hops; link/port
            energy bits = 8 x wire bytes of those channels (links between the wafers of a
            partitioned mesh apart: inter_wafer_link_bit).
  switch    crossbar switch (NVL72): bytes conserved over the ports, the NVLink ports and the
            scale-out NICs apart: sum of bytes up = sum of bytes down; bytes = all bytes up;
            scale_out_bytes = the NICs' bytes up; no access outside the port windows.
  wiring    over every connection of the config: what the initiator side counted = what the
            target counted (mesh/router output port -> memory, generator -> mesh input port).
  orchestrators  what the MoE / Spatial-STAR orchestrator says it moved = what the mesh and the
            memories carried (the MoE's bytes x hops per phase = the mesh's per-link byte sums;
            on a switch network, its received bytes = the bytes the switch carried).
"""
import re

RELATIVE_TOLERANCE = 1e-9  # floating sums of exact counts; the models' arithmetic is exact to this


def close(a, b, tolerance=RELATIVE_TOLERANCE):
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-30)


UNIT_SCALE = {"": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}


def frequency_hz(text):
    """'1 GHz' -> 1e9 (the effective config writes quantities with their unit)."""
    match = re.fullmatch(r"\s*([0-9.eE+-]+)\s*([kMGT]?)Hz\s*", str(text))
    if not match:
        raise ValueError(f"not a frequency: {text!r}")
    return float(match.group(1)) * UNIT_SCALE[match.group(2)]


def counter(module, name):
    return module["counters"][name]["value"]


def check_energy(stats, _config):
    problems = []
    seconds = stats["run"]["simulated_time"]["value"]
    total = dynamic = static = 0.0
    for name, module in stats["modules"].items():
        energy = module["energy"]
        actions = energy["actions"]
        summed = 0.0
        for action, entry in actions.items():
            expected = entry["count"] * entry["energy_per_action"]["value"]
            if not close(entry["energy"]["value"], expected):
                problems.append(f"{name}.{action}: energy {entry['energy']['value']:.6g} J != "
                                f"count {entry['count']} x {entry['energy_per_action']['value']:.6g} J")
            summed += entry["energy"]["value"]
        if not close(energy["dynamic"]["value"], summed):
            problems.append(f"{name}: dynamic energy {energy['dynamic']['value']:.6g} J != sum of "
                            f"its actions {summed:.6g} J")
        expected_static = energy["static_power"]["value"] * seconds
        if not close(energy["static"]["value"], expected_static, 1e-6):
            problems.append(f"{name}: static energy {energy['static']['value']:.6g} J != static "
                            f"power x simulated time {expected_static:.6g} J")
        if not close(energy["total"]["value"], energy["dynamic"]["value"] + energy["static"]["value"]):
            problems.append(f"{name}: total energy != dynamic + static")
        total += energy["total"]["value"]
        dynamic += energy["dynamic"]["value"]
        static += energy["static"]["value"]
    totals = stats["totals"]
    for key, value in (("energy", total), ("dynamic_energy", dynamic), ("static_energy", static)):
        if not close(totals[key]["value"], value, 1e-9):
            problems.append(f"totals.{key} {totals[key]['value']:.6g} J != sum over modules {value:.6g} J")
    return problems


def action_count(module, action):
    entry = module["energy"]["actions"].get(action)
    return None if entry is None else entry["count"]


def check_actions(stats, config):
    problems = []
    seconds = stats["run"]["simulated_time"]["value"]

    def expect(name, what, got, want, tolerance=RELATIVE_TOLERANCE):
        if got is None or not close(got, want, tolerance):
            problems.append(f"{name}: {what} = {got}, counters give {want}")

    for name, module in stats["modules"].items():
        kind = module["type"]
        counters = module["counters"]
        if kind == "hbm":
            read, write = counter(module, "read_bytes"), counter(module, "write_bytes")
            expect(name, "read_bit actions", action_count(module, "read_bit"), 8 * read)
            expect(name, "write_bit actions", action_count(module, "write_bit"), 8 * write)
            expect(name, "io_bit actions", action_count(module, "io_bit"), 8 * (read + write))
            expect(name, "activate actions", action_count(module, "activate"),
                   counter(module, "activates"))
            expect(name, "refresh actions", action_count(module, "refresh"),
                   counter(module, "refreshes"))
        elif kind == "sram":
            expect(name, "read_word actions", action_count(module, "read_word"),
                   counter(module, "read_words"))
            expect(name, "write_word actions", action_count(module, "write_word"),
                   counter(module, "write_words"))
        elif kind == "memory" and module["energy"]["actions"]:
            expect(name, "read_byte actions", action_count(module, "read_byte"),
                   counter(module, "read_bytes"))
            expect(name, "write_byte actions", action_count(module, "write_byte"),
                   counter(module, "write_bytes"))
        elif kind == "die_compute_engine":
            for datatype in ("bf16", "fp8"):
                expect(name, f"{datatype}_flop actions", action_count(module, f"{datatype}_flop"),
                       counter(module, f"flops.{datatype}"))
        elif kind.startswith("star_") and "compute_cycles" in counters:
            active = action_count(module, "active_cycle")
            expect(name, "active_cycle actions", active, counter(module, "compute_cycles"))
            clock = frequency_hz(config["modules"][name]["params"]["clock"])
            idle = action_count(module, "idle_cycle") or 0
            run_cycles = seconds * clock
            if active is None or abs(active + idle - run_cycles) > 2 + 1e-9 * run_cycles:
                problems.append(f"{name}: active {active} + idle {idle} cycles != run time x clock "
                                f"{run_cycles:.1f}")
    return problems


DIRECTIONS = {"E": (1, 0), "W": (-1, 0), "N": (0, 1), "S": (0, -1)}
LINK = re.compile(r"link\.x(\d+)y(\d+)\.([A-Z]+)(_in)?\.(bytes|wire_bytes|packets)$")


def mesh_channels(module, width, height):
    """{(x, y, port, inbound): {bytes, wire_bytes, packets}} and the names it could not place."""
    channels, unknown = {}, []
    for key, entry in module["counters"].items():
        if not key.startswith("link."):
            continue
        match = LINK.match(key)
        if not match:
            if not key.endswith((".busy_time", ".utilisation")):
                unknown.append(key)
            continue
        x, y, port, inbound, field = match.groups()
        channels.setdefault((int(x), int(y), port, bool(inbound)), {})[field] = entry["value"]
    return channels, unknown


def check_mesh(stats, config):
    problems = []
    for name, module in stats["modules"].items():
        if module["type"] != "mesh":
            continue
        params = config["modules"][name]["params"]
        width, height = int(params["width"]), int(params["height"])
        # Wafer partition: a router-to-router link between two wafers is an inter-wafer link.
        wafer = (int(params.get("wafer_width") or width), int(params.get("wafer_height") or height))
        c = {k: v["value"] for k, v in module["counters"].items()}
        if c["payload_bytes_injected"] != c["payload_bytes_delivered"]:
            problems.append(f"{name}: payload injected {c['payload_bytes_injected']} != delivered "
                            f"{c['payload_bytes_delivered']}")
        if c["bytes_in"] != c["bytes_out"]:
            problems.append(f"{name}: bytes_in {c['bytes_in']} != bytes_out {c['bytes_out']}")
        for side in ("in", "out"):
            ports = sum(v for k, v in c.items() if re.fullmatch(side + r"_\d+\.bytes", k))
            if ports != c[f"bytes_{side}"]:
                problems.append(f"{name}: sum of {side}_k.bytes {ports} != bytes_{side} {c['bytes_' + side]}")
        channels, unknown = mesh_channels(module, width, height)
        if unknown:
            problems.append(f"{name}: link counters not understood: {unknown[:4]}")
            continue
        flow = {}  # (x, y) -> [bytes in, bytes out, packets in, packets out]
        hops = mesh_wire = inter_wafer_wire = port_wire = edge_wire = injected = delivered = 0

        def add(node, index, value):
            flow.setdefault(node, [0, 0, 0, 0])[index] += value

        for (x, y, port, inbound), v in channels.items():
            if port == "L" or port in DIRECTIONS:
                step = DIRECTIONS.get(port, (0, 0))
                neighbour = (x + step[0], y + step[1])
                inside = port != "L" and 0 <= neighbour[0] < width and 0 <= neighbour[1] < height
            else:
                problems.append(f"{name}: unknown port {port} at x{x}y{y}")
                continue
            if inside and not inbound:  # router-to-router
                hops += v["packets"]
                if (x // wafer[0], y // wafer[1]) != (neighbour[0] // wafer[0], neighbour[1] // wafer[1]):
                    inter_wafer_wire += v["wire_bytes"]
                else:
                    mesh_wire += v["wire_bytes"]
                add((x, y), 1, v["bytes"]), add((x, y), 3, v["packets"])
                add(neighbour, 0, v["bytes"]), add(neighbour, 2, v["packets"])
            elif inbound:  # injection from a local or edge endpoint
                injected += v["bytes"]
                add((x, y), 0, v["bytes"]), add((x, y), 2, v["packets"])
            else:  # ejection to a local or edge endpoint
                delivered += v["bytes"]
                add((x, y), 1, v["bytes"]), add((x, y), 3, v["packets"])
            if not inside or inbound:
                if port == "L":
                    port_wire += v["wire_bytes"]
                else:
                    edge_wire += v["wire_bytes"]
        for node, (b_in, b_out, p_in, p_out) in sorted(flow.items()):
            if b_in != b_out or p_in != p_out:
                problems.append(f"{name}: router x{node[0]}y{node[1]} takes in {b_in} B / {p_in} "
                                f"packets but sends {b_out} B / {p_out} packets")
        if hops != c["packet_hops"]:
            problems.append(f"{name}: router-to-router packet crossings {hops} != packet_hops "
                            f"{c['packet_hops']}")
        if injected != c["payload_bytes_injected"] or delivered != c["payload_bytes_delivered"]:
            problems.append(f"{name}: port channels carry {injected} B in / {delivered} B out, "
                            f"counters say {c['payload_bytes_injected']} / {c['payload_bytes_delivered']}")
        for action, wire in (("link_bit", mesh_wire), ("inter_wafer_link_bit", inter_wafer_wire),
                             ("local_port_bit", port_wire), ("edge_port_bit", edge_wire)):
            count = action_count(module, action)
            if count is not None and not close(count, 8 * wire):
                problems.append(f"{name}: {action} actions {count} != 8 x wire bytes {8 * wire}")
    return problems


SWITCH_PORT = re.compile(r"port(\d+)\.(scale_out_)?bytes_(up|down)$")


def check_switch(stats, _config):
    """Crossbar switches: every byte a device sends up is sent down to one device, once."""
    problems = []
    for name, module in stats["modules"].items():
        if module["type"] != "crossbar_switch":
            continue
        c = {k: v["value"] for k, v in module["counters"].items()}
        sums = {}  # (level, direction) -> bytes summed over the ports
        for key, value in c.items():
            match = SWITCH_PORT.fullmatch(key)
            if match:
                level = "scale-out" if match.group(2) else "switch"
                sums[(level, match.group(3))] = sums.get((level, match.group(3)), 0) + value
            elif key.startswith("port"):
                problems.append(f"{name}: port counter not understood: {key}")
        for level in ("switch", "scale-out"):
            up, down = sums.get((level, "up"), 0), sums.get((level, "down"), 0)
            if up != down:
                problems.append(f"{name}: {level} ports take in {up} B but send {down} B")
        if sums.get(("switch", "up"), 0) + sums.get(("scale-out", "up"), 0) != c["bytes"]:
            problems.append(f"{name}: ports' bytes up {sums.get(('switch', 'up'), 0)} + scale-out "
                            f"{sums.get(('scale-out', 'up'), 0)} != bytes {c['bytes']}")
        if sums.get(("scale-out", "up"), 0) != c["scale_out_bytes"]:
            problems.append(f"{name}: ports' scale-out bytes up {sums.get(('scale-out', 'up'), 0)} "
                            f"!= scale_out_bytes {c['scale_out_bytes']}")
        if c["decode_errors"]:
            problems.append(f"{name}: {c['decode_errors']} accesses to unmapped addresses")
    return problems


PORT = re.compile(r"^([A-Za-z0-9_]+)\.([a-z_]+)(?:\[(\d+)\])?$")


def target_bytes(module):
    counters = module["counters"]
    if "read_bytes" in counters and "write_bytes" in counters:
        return counter(module, "read_bytes") + counter(module, "write_bytes")
    return None


def check_wiring(stats, config):
    problems = []
    modules = stats["modules"]
    for connection in config.get("connections", []):
        source, target = PORT.match(str(connection["from"])), PORT.match(str(connection["to"]))
        if not source or not target:
            continue
        src_name, src_port, src_index = source.groups()
        dst_name, dst_port, dst_index = target.groups()
        src, dst = modules.get(src_name), modules.get(dst_name)
        if src is None or dst is None:
            continue
        sent = received = None
        if src["type"] in ("mesh", "router") and src_port == "out" and dst_port == "target":
            key = f"out_{src_index or 0}.bytes"
            if key in src["counters"]:
                sent, received = counter(src, key), target_bytes(dst)
        elif src["type"] == "traffic_generator" and dst["type"] in ("mesh", "router"):
            key = f"in_{dst_index or 0}.bytes"
            if key in dst["counters"]:
                sent, received = counter(src, "bytes"), counter(dst, key)
        elif src["type"] == "star_controller" and src_port == "dram":
            sent = counter(src, "dram_read_bytes") + counter(src, "dram_write_bytes")
            received = target_bytes(dst)
        if sent is not None and received is not None and sent != received:
            problems.append(f"{connection['from']} -> {connection['to']}: {sent} B sent, "
                            f"{received} B received")
    return problems


def router_to_router_bytes(module, width, height):
    channels, _ = mesh_channels(module, width, height)
    total = 0
    for (x, y, port, inbound), v in channels.items():
        step = DIRECTIONS.get(port)
        if step and not inbound and 0 <= x + step[0] < width and 0 <= y + step[1] < height:
            total += v["bytes"]
    return total


def check_orchestrators(stats, config):
    """What an orchestrator says it moved = what the network and memories carried."""
    problems = []
    modules = stats["modules"]
    meshes = [n for n, m in modules.items() if m["type"] == "mesh"]
    switches = [n for n, m in modules.items() if m["type"] == "crossbar_switch"]
    for name, module in modules.items():
        c = {k: v["value"] for k, v in module["counters"].items()}
        if module["type"] == "moe_orchestrator":
            phase_bytes = sum(v for k, v in c.items()
                              if k.startswith("phase.") and k.endswith(".bytes") and "link" not in k)
            # Route segments (segment_phases) deliver a merged piece at each die where a route
            # turns; those relayed bytes are received there and sent on, so they count once more.
            relayed = c.get("segments.relayed_bytes", 0)
            if phase_bytes + relayed != c["rx_bytes"]:
                problems.append(f"{name}: phase bytes {phase_bytes} + relayed {relayed} != "
                                f"received {c['rx_bytes']}")
            if len(meshes) == 1:
                mesh = modules[meshes[0]]
                params = config["modules"][meshes[0]]["params"]
                carried = router_to_router_bytes(mesh, int(params["width"]), int(params["height"]))
                hops = sum(v for k, v in c.items() if k.endswith(".link_bytes"))
                if hops != carried:
                    problems.append(f"{name}: bytes x hops of its phases {hops} != bytes the mesh "
                                    f"links carried {carried}")
                injected = mesh["counters"]["payload_bytes_injected"]["value"]
                if injected != c["rx_bytes"]:
                    problems.append(f"{name}: received {c['rx_bytes']} B, the mesh carried {injected} B")
            if config["modules"][name]["params"].get("network") == "switch":
                if len(switches) != 1:
                    problems.append(f"{name}: network switch but {len(switches)} crossbar switches")
                else:
                    switched = modules[switches[0]]["counters"]["bytes"]["value"]
                    if switched != c["rx_bytes"]:
                        problems.append(f"{name}: received {c['rx_bytes']} B, the switch carried "
                                        f"{switched} B")
        elif module["type"] == "spatial_star_orchestrator":
            # K/V and HBM traffic on the data mesh, work descriptors, doorbells and credits on
            # the control network: every byte the orchestrator and its cores sent, once.
            moved = c["ring_bytes"] + c["hbm_read_bytes"] + c["hbm_write_bytes"] + c["control_bytes"]
            carried = sum(modules[m]["counters"]["bytes_in"]["value"] for m in meshes)
            if c["work_scale"] == 1.0 and moved != carried:
                problems.append(f"{name}: ring + HBM + control bytes {moved} != bytes on the "
                                f"meshes {carried}")
            memories = [m for n, m in modules.items() if n.startswith("hbm") and
                        m["type"] in ("memory", "hbm")]
            read = sum(m["counters"]["read_bytes"]["value"] for m in memories)
            if c["work_scale"] == 1.0 and read != c["hbm_read_bytes"]:
                problems.append(f"{name}: HBM reads {c['hbm_read_bytes']} B, the stacks served {read} B")
    return problems


INVARIANTS = {"energy": check_energy, "actions": check_actions, "mesh": check_mesh,
              "switch": check_switch, "wiring": check_wiring, "orchestrators": check_orchestrators}


def check_run(stats, config):
    """All invariants: {name: [problems]} with only the failing ones."""
    return {name: found for name, check in INVARIANTS.items() if (found := check(stats, config))}
