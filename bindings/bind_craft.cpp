// Frame crafting (io/craft.h) for Python: keyword-only functions returning the frame as bytes, ready
// for Network.inject(). vpcsim/craft.py wraps them with friendlier names, defaults and checks
// (craft.icmp_echo, craft.udp, ...); these stay thin and named after the C++ functions.
#include "bindings.h"
#include "libnet/io/craft.h"

namespace vpcsim::bindings {
namespace {

py::bytes to_bytes(const std::vector<std::uint8_t>& bytes) {
  return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::vector<std::uint8_t> to_vector(const py::bytes& bytes) {
  const std::string_view view = bytes;
  return std::vector<std::uint8_t>(view.begin(), view.end());
}

io::Ipv4Fields ipv4_fields(const Arg<wire::Ipv4Address>& src, const Arg<wire::Ipv4Address>& dst, std::uint8_t ttl,
                           std::uint8_t tos, bool df, std::uint16_t ip_id) {
  return io::Ipv4Fields{
      .src = value_of(src), .dst = value_of(dst), .ttl = ttl, .tos = tos, .dont_fragment = df, .id = ip_id};
}

}  // namespace

void bind_craft(py::module_& m) {
  m.def("craft_arp_request",
        [](const Arg<wire::MacAddress>& src_mac, const Arg<wire::Ipv4Address>& src_ip, const Arg<wire::Ipv4Address>& dst_ip, const Arg<wire::MacAddress>& dst_mac,
           bool pad) {
          return to_bytes(io::craft_arp_request({.src = value_of(src_mac), .dst = value_of(dst_mac), .pad = pad},
                                                value_of(src_ip), value_of(dst_ip)));
        },
        py::kw_only(), py::arg("src_mac"), py::arg("src_ip"), py::arg("dst_ip"),
        py::arg("dst_mac") = wire::MacAddress::broadcast(), py::arg("pad") = true,
        "An ARP request from src_mac: who has dst_ip? tell src_ip (target MAC zero).");
  m.def("craft_arp_reply",
        [](const Arg<wire::MacAddress>& src_mac, const Arg<wire::Ipv4Address>& src_ip, const Arg<wire::MacAddress>& dst_mac, const Arg<wire::Ipv4Address>& dst_ip,
           bool pad) {
          return to_bytes(io::craft_arp_reply({.src = value_of(src_mac), .dst = value_of(dst_mac), .pad = pad},
                                              value_of(src_ip), value_of(dst_ip)));
        },
        py::kw_only(), py::arg("src_mac"), py::arg("src_ip"), py::arg("dst_mac"), py::arg("dst_ip"),
        py::arg("pad") = true, "An ARP reply: src_ip is at src_mac, sent to dst_ip at dst_mac.");
  m.def("craft_icmp_echo",
        [](const Arg<wire::MacAddress>& src_mac, const Arg<wire::MacAddress>& dst_mac, const Arg<wire::Ipv4Address>& src_ip, const Arg<wire::Ipv4Address>& dst_ip,
           std::uint16_t identifier, std::uint16_t seq, const py::bytes& payload, bool reply, std::uint8_t ttl,
           std::uint8_t tos, bool df, std::uint16_t ip_id, bool pad) {
          return to_bytes(io::craft_icmp_echo({.src = value_of(src_mac), .dst = value_of(dst_mac), .pad = pad},
                                              ipv4_fields(src_ip, dst_ip, ttl, tos, df, ip_id),
                                              {.reply = reply, .id = identifier, .seq = seq, .payload = to_vector(payload)}));
        },
        py::kw_only(), py::arg("src_mac"), py::arg("dst_mac"), py::arg("src_ip"), py::arg("dst_ip"),
        py::arg("identifier") = 0, py::arg("seq") = 0, py::arg("payload") = py::bytes(""), py::arg("reply") = false,
        py::arg("ttl") = 64, py::arg("tos") = 0, py::arg("df") = true, py::arg("ip_id") = 0, py::arg("pad") = true,
        "An ICMP echo request (or reply) in IPv4, checksums filled.");
  m.def("craft_udp",
        [](const Arg<wire::MacAddress>& src_mac, const Arg<wire::MacAddress>& dst_mac, const Arg<wire::Ipv4Address>& src_ip, const Arg<wire::Ipv4Address>& dst_ip,
           std::uint16_t src_port, std::uint16_t dst_port, const py::bytes& payload, std::uint8_t ttl, std::uint8_t tos,
           bool df, std::uint16_t ip_id, bool pad) {
          return to_bytes(io::craft_udp({.src = value_of(src_mac), .dst = value_of(dst_mac), .pad = pad},
                                        ipv4_fields(src_ip, dst_ip, ttl, tos, df, ip_id),
                                        {.src_port = src_port, .dst_port = dst_port, .payload = to_vector(payload)}));
        },
        py::kw_only(), py::arg("src_mac"), py::arg("dst_mac"), py::arg("src_ip"), py::arg("dst_ip"),
        py::arg("src_port"), py::arg("dst_port"), py::arg("payload") = py::bytes(""), py::arg("ttl") = 64,
        py::arg("tos") = 0, py::arg("df") = true, py::arg("ip_id") = 0, py::arg("pad") = true,
        "A UDP datagram in IPv4, checksums filled.");
  m.def("craft_tcp",
        [](const Arg<wire::MacAddress>& src_mac, const Arg<wire::MacAddress>& dst_mac, const Arg<wire::Ipv4Address>& src_ip, const Arg<wire::Ipv4Address>& dst_ip,
           std::uint16_t src_port, std::uint16_t dst_port, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
           std::uint16_t window, const py::bytes& payload, std::uint8_t ttl, std::uint8_t tos, bool df,
           std::uint16_t ip_id, bool pad) {
          return to_bytes(io::craft_tcp({.src = value_of(src_mac), .dst = value_of(dst_mac), .pad = pad},
                                        ipv4_fields(src_ip, dst_ip, ttl, tos, df, ip_id),
                                        {.src_port = src_port,
                                         .dst_port = dst_port,
                                         .seq = seq,
                                         .ack = ack,
                                         .flags = flags,
                                         .window = window,
                                         .payload = to_vector(payload)}));
        },
        py::kw_only(), py::arg("src_mac"), py::arg("dst_mac"), py::arg("src_ip"), py::arg("dst_ip"),
        py::arg("src_port"), py::arg("dst_port"), py::arg("seq") = 0, py::arg("ack") = 0, py::arg("flags") = 0,
        py::arg("window") = 64240, py::arg("payload") = py::bytes(""), py::arg("ttl") = 64, py::arg("tos") = 0,
        py::arg("df") = true, py::arg("ip_id") = 0, py::arg("pad") = true,
        "A TCP segment in IPv4 (20-byte header, no options), checksums filled. flags: parse_tcp_flags('SA').");
  m.def("parse_tcp_flags", &io::parse_tcp_flags, py::arg("text"),
        "'SA' or 'SYN,ACK' -> 0x12 (letters F S R P A U E C, '.' for ACK).");
  m.def("tcp_flags_to_string", &io::tcp_flags_to_string, py::arg("flags"), "0x12 -> 'SYN, ACK'.");
}

}  // namespace vpcsim::bindings
