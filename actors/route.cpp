#include "actors/route.hpp"

#include <algorithm>

#include "commands/keyspace.hpp"
#include "config/config.hpp"
#include "protocol/errors.hpp"

namespace actis::actors {

namespace {

/// enable-debug-command: 0 no, 1 local connections only, 2 yes.
bool protected_allowed(const route_client& client) {
  switch (config::live().enable_debug_command.load(std::memory_order_relaxed)) {
    case 2: return true;
    case 1: return client.loopback_peer;
    default: return false;
  }
}

/// Every partition held: the command may touch any key.
void route_to_all(route& r, uint32_t partition_count) {
  r.where = destination::partitions;
  r.partitions.resize(partition_count);
  for (uint32_t i = 0; i < partition_count; ++i)
    r.partitions[i] = i;
}

} // namespace

route route_command(const protocol::command_args& argv, const route_client& client,
                    uint32_t partition_count, std::vector<size_t>& key_scratch) {
  route r;
  r.spec = commands::table().resolve(argv, r.error);
  if (r.spec == nullptr)
    return r;
  auto& spec = *r.spec;
  if (!client.authenticated && (spec.flags & commands::f_no_auth) == 0) {
    r.error = protocol::err::no_auth;
    return r;
  }
  if ((spec.flags & commands::f_protected) != 0 && !protected_allowed(client)) {
    r.error = protocol::err::no_permission_debug;
    return r;
  }
  switch (spec.scope) {
    case commands::exec_scope::connection:
      r.where = destination::connection;
      return r;
    case commands::exec_scope::summaries:
      r.where = destination::summaries;
      return r;
    case commands::exec_scope::all_partitions:
      route_to_all(r, partition_count);
      return r;
    case commands::exec_scope::keys:
      break;
  }
  key_scratch.clear();
  commands::table().key_positions(spec, argv, key_scratch);
  r.where = destination::partition;
  if (key_scratch.empty()) {
    auto routed_by = static_cast<size_t>(spec.route_key);
    if (routed_by > 0 && routed_by < argv.size()) {
      r.partition = commands::keyspace::partition_of(argv[routed_by], partition_count);
    } else if (commands::has_keys(spec) && partition_count > 1) {
      // A keyed command whose key layout does not fit its key specs (Redis's
      // getkeys finds none either: PFMERGE dest alone, a bad numkeys). Its
      // handler may still touch keys (or just reply an error): it runs
      // holding every partition, so any key it touches is where it belongs.
      route_to_all(r, partition_count);
    } else {
      r.partition = client.home_partition;
    }
    return r;
  }
  r.first_key = static_cast<uint32_t>(key_scratch[0]);
  r.partition = commands::keyspace::partition_of(argv[r.first_key], partition_count);
  for (size_t i = 1; i < key_scratch.size(); ++i) {
    auto p = commands::keyspace::partition_of(argv[key_scratch[i]], partition_count);
    if (p == r.partition && r.partitions.empty())
      continue;
    if (r.partitions.empty())
      r.partitions.push_back(r.partition);
    r.partitions.push_back(p);
  }
  if (!r.partitions.empty()) {
    std::sort(r.partitions.begin(), r.partitions.end());
    r.partitions.erase(std::unique(r.partitions.begin(), r.partitions.end()), r.partitions.end());
    if (r.partitions.size() > 1)
      r.where = destination::partitions;
    else
      r.partitions.clear();
  }
  return r;
}

} // namespace actis::actors
