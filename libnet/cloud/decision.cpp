#include "libnet/cloud/decision.h"

namespace vpcsim::cloud {

std::string_view to_string(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::instance: return "instance";
    case ComponentKind::security_group: return "security_group";
    case ComponentKind::network_acl: return "network_acl";
    case ComponentKind::route_table: return "route_table";
    case ComponentKind::vpc_router: return "vpc_router";
    case ComponentKind::internet_gateway: return "internet_gateway";
    case ComponentKind::nat_gateway: return "nat_gateway";
    case ComponentKind::peering_connection: return "peering_connection";
    case ComponentKind::internet: return "internet";
    case ComponentKind::internet_host: return "internet_host";
  }
  return "unknown";
}

std::string_view to_string(DecisionAction action) {
  switch (action) {
    case DecisionAction::sent: return "sent";
    case DecisionAction::forwarded: return "forwarded";
    case DecisionAction::allowed: return "allowed";
    case DecisionAction::denied: return "denied";
    case DecisionAction::routed: return "routed";
    case DecisionAction::translated: return "translated";
    case DecisionAction::delivered: return "delivered";
    case DecisionAction::dropped: return "dropped";
  }
  return "unknown";
}

std::string_view to_string(PathDirection direction) {
  return direction == PathDirection::request ? "request" : "reply";
}

std::string_view to_string(ReasonCode code) {
  switch (code) {
    case ReasonCode::none: return "REACHABLE";
    case ReasonCode::no_route_to_destination: return "NO_ROUTE_TO_DESTINATION";
    case ReasonCode::route_blackhole: return "ROUTE_BLACKHOLE";
    case ReasonCode::subnet_acl_restriction: return "SUBNET_ACL_RESTRICTION";
    case ReasonCode::eni_sg_rules_mismatch: return "ENI_SG_RULES_MISMATCH";
    case ReasonCode::eni_source_dest_check_restriction: return "ENI_SOURCE_DEST_CHECK_RESTRICTION";
    case ReasonCode::igw_no_public_ip: return "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS";
    case ReasonCode::pcx_requires_address_in_vpc_cidr: return "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR";
    case ReasonCode::nat_gateway_no_inbound: return "NAT_GATEWAY_NO_INBOUND";
    case ReasonCode::nat_gateway_connection_limit: return "NAT_GATEWAY_CONNECTION_LIMIT";
    case ReasonCode::vpc_router_no_answer: return "VPC_ROUTER_NO_ANSWER";
    case ReasonCode::packet_dropped: return "PACKET_DROPPED";
    case ReasonCode::no_reply: return "NO_REPLY";
  }
  return "UNKNOWN";
}

}  // namespace vpcsim::cloud
