// DLZS shift-add lane: one row of the DLZS phase-1.2 shift-add array (the differential
// leading-zero scheme of SOFA, arXiv 2407.10416, used by STAR, arXiv 2512.20198; docs/sources.md
// S2.3, the 128 x 32 array of S3.2; bit-level rule as in workloads/star/dlzs.h, which this block
// must equal bit for bit). One score:
//   A-hat[i,j] = sum_c (s(q_ic) xor s(k_jc)) * (|k_jc| << e(q_ic)),  e(q) = 15 - LZ16(|q|),
// with q = 0 contributing nothing (zero eliminator): the query operand is snapped to a power
// of two by its leading-zero position, the key keeps its full 16-bit mantissa and is shifted.
// WIDTH shift-add PEs take WIDTH (q, k) pairs per beat; a dot product of d terms is ceil(d /
// WIDTH) beats, the last one flagged by in_last (unused PEs of a beat get q = 0).
// Pipeline: beat -> [1] LZ encode, sign, shift per PE -> [2] adder tree -> [3] accumulate;
// out_valid rises 3 cycles after the last beat is presented. One beat per cycle, no stalls.
module dlzs_lane #(
    parameter int WIDTH = 32
) (
    input  logic                    clk,
    input  logic                    rst,
    input  logic                    in_valid,
    input  logic                    in_last,
    input  logic [16*WIDTH-1:0]     in_q,       // int16 query elements (snapped operand)
    input  logic [16*WIDTH-1:0]     in_k,       // int16 key elements (full operand)
    output logic                    out_valid,
    output logic signed [63:0]      out_score
);
  // |term| <= 32768 << 15 = 2^30; 34 bits hold it signed with margin.
  localparam int TermBits = 34;

  // Position of the leading one of a 16-bit magnitude (floor(log2 m)); m > 0.
  function automatic logic [3:0] leadingOne(input logic [15:0] m);
    leadingOne = 4'd0;
    for (int b = 0; b < 16; b++) if (m[b]) leadingOne = 4'(b);
  endfunction

  // Stage 1: one signed shifted term per PE.
  logic signed [TermBits-1:0] term[WIDTH];
  logic s1_valid, s1_last;
  always_ff @(posedge clk) begin
    if (rst) begin
      s1_valid <= 1'b0;
      s1_last  <= 1'b0;
    end else begin
      s1_valid <= in_valid;
      s1_last  <= in_last;
    end
    for (int i = 0; i < WIDTH; i++) begin
      logic signed [15:0] q, k;
      logic [15:0] q_mag;
      logic signed [TermBits-1:0] k_signed;
      q = in_q[16*i+:16];
      k = in_k[16*i+:16];
      q_mag = q[15] ? 16'(-q) : q;  // -32768 -> 0x8000, leading one at 15
      // (s(q) xor s(k)) * (|k| << e) == (q < 0 ? -k : k) << e
      k_signed = q[15] ? -TermBits'(k) : TermBits'(k);
      term[i] <= (q == 16'sd0) ? '0 : (k_signed <<< leadingOne(q_mag));
    end
  end

  // Stage 2: adder tree over the beat's terms.
  logic signed [63:0] beat_sum;
  logic s2_valid, s2_last;
  always_ff @(posedge clk) begin
    logic signed [63:0] sum;
    sum = '0;
    for (int i = 0; i < WIDTH; i++) sum = sum + 64'(term[i]);
    beat_sum <= sum;
    s2_valid <= rst ? 1'b0 : s1_valid;
    s2_last  <= rst ? 1'b0 : s1_last;
  end

  // Stage 3: accumulate the beats of one dot product.
  logic signed [63:0] acc;
  always_ff @(posedge clk) begin
    if (rst) begin
      acc       <= '0;
      out_valid <= 1'b0;
      out_score <= '0;
    end else begin
      out_valid <= s2_valid && s2_last;
      if (s2_valid) begin
        if (s2_last) begin
          out_score <= acc + beat_sum;
          acc       <= '0;
        end else begin
          acc <= acc + beat_sum;
        end
      end
    end
  end
endmodule
