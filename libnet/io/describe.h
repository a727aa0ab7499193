// describe(frame): an Ethernet frame, decoded into named layers and fields for people.
//
// This is for the edges (DESIGN.md, decision 1): the CLI, notebooks, `explain`, trace output — never
// the forwarding path, which reads headers through zero-copy wire:: views. The headers are decoded
// with libtins, one layer at a time on a bounded slice of the frame, so a bad inner header still
// shows the layers around it: decoding stops at the first header that does not parse and appends a
// layer named "malformed" with the reason ("IPv4 header length 16 is below the minimum of 20").
// Nothing thrown by libtins escapes.
//
// Checksums are verified (IPv4 header, ICMP, UDP and TCP over IPv4; IPv6 ones are shown, not checked)
// whenever the bytes they cover were captured,
// and a field says "0x1c46 (correct)" or "0x0001 (incorrect, should be 0x7cca)", as tshark does with
// checksum validation on. describe_line() gives tcpdump's one-line form:
//   "ARP, Request who-has 10.0.1.20 tell 10.0.1.10"
//   "IP 10.0.1.10 > 10.0.1.20: ICMP echo request, id 4660, seq 1, length 64"
//   "IP 10.0.1.10.5000 > 10.0.2.20.9000: UDP, length 2"
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vpcsim::io {

/// One decoded header. Layer names: "Ethernet", "802.1Q", "802.1ad", "ARP", "IPv4", "ICMP", "UDP",
/// "TCP", "IPv6", "ICMPv6", "IPv4 (quoted)" / "UDP (quoted)" / "TCP (quoted)" (the datagram an ICMP
/// error quotes), "Payload", and "malformed" (fields "protocol" and "reason").
struct Layer {
  std::string name;
  std::vector<std::pair<std::string, std::string>> fields;  ///< in header order; keys snake_case

  /// The value of the first field named `key`, or nullptr.
  const std::string* field(std::string_view key) const;
};

/// Decodes an Ethernet frame. Never throws for any input bytes.
std::vector<Layer> describe(std::span<const std::uint8_t> frame);

/// A one-line summary in tcpdump's style (without -e). Never throws for any input bytes.
std::string describe_line(std::span<const std::uint8_t> frame);

/// Layers as indented text, one field per line:
///   Ethernet
///     dst: ff:ff:ff:ff:ff:ff
///     ...
std::string format_layers(const std::vector<Layer>& layers);

}  // namespace vpcsim::io
