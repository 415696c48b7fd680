#pragma once
// Expands the compact form of a platform document into the flat form the elaborator reads:
//   vars:        named values (integers, text or lists), later ones may use earlier ones;
//   ${expr}      in any scalar (see config_expression.h);
//   {for: "i in 0..n", each: X}   as a list item: X once per index, lists spliced;
//   modules.K: {for: "i in 0..n", type, params}              copies K0..K{n-1} of a module;
//   modules.K: {for: ..., modules: {...}, connections: [...], ports: {...}}
//                copies of a group of modules: members are named K<i>_<member> (or by the
//                group's `name:` template, which may use ${member}), connections inside the
//                group name members by their short name, and `ports` exports member ports as
//                K<i>.<port> for connections elsewhere.
// Ranges are half-open ("0..n" is 0 to n-1); "i in 0..a, j in 0..b" nests j inside i.
// Free of SystemC; every error is a ConfigError at the template node, naming the copy.
#include "platform/core/config_node.h"

namespace spatialvp {

// True when the document uses `vars:` or any `for:` (so `check` can say it was expanded).
bool usesCompactForm(const ConfigNode& root);

// Expands in place; afterwards the document has no `vars`, `for`, groups or exports.
void expandCompactForm(ConfigNode& root);

}  // namespace spatialvp
