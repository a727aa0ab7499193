// What a cloud's VPC Flow Logs are asked to be (cloud/flow_log_writer.h): the window, the epoch,
// the account and which records are kept. Apart from the writer so that cloud.h, which every cloud
// unit includes, does not depend on the writer's insides.
#pragma once

#include <cstdint>
#include <string>

#include "libnet/core/time.h"

namespace vpcsim::cloud {

/// Which records a flow log keeps (AWS's TrafficType: ACCEPT, REJECT or ALL).
enum class FlowLogTraffic : std::uint8_t { all, accept, reject };

struct FlowLogConfig {
  core::Time aggregation_interval = 60 * core::kSecond;  ///< AWS allows 60 s or 600 s; any > 0 here
  std::int64_t epoch = 0;                ///< Unix seconds at simulated time 0
  std::string account_id = "123456789012";
  FlowLogTraffic traffic = FlowLogTraffic::all;
};

}  // namespace vpcsim::cloud
