#include "actors/messages.hpp"

#include "actors/pubsub.hpp"

namespace actis::actors {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<batch_item>("actis_batch_item");
  cfg.add_message_type<conn_batch>("actis_conn_batch");
  cfg.add_message_type<partition_batch>("actis_partition_batch");
  cfg.add_message_type<conn_result>("actis_conn_result");
  cfg.add_message_type<batch_result>("actis_batch_result");
  cfg.add_message_type<write_record>("actis_write_record");
  cfg.add_message_type<std::vector<write_record>>("actis_write_records");
  cfg.add_message_type<client_filter>("actis_client_filter");
  cfg.add_message_type<commands::partition_summary>("actis_partition_summary");
  cfg.add_message_type<client_line>("actis_client_line");
  cfg.add_message_type<std::vector<client_line>>("actis_client_lines");
  cfg.add_message_type<pubsub_message>("actis_pubsub_message");
}

} // namespace actis::actors
