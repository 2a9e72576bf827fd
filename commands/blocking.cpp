#include "commands/blocking.hpp"

#include <algorithm>

#include "commands/context.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

std::string ready_id(int db, std::string_view key) {
  std::string id = std::to_string(db);
  id += '\n';
  id.append(key);
  return id;
}

} // namespace

waiter_table::key_queues& waiter_table::db_queues(int db) {
  auto i = static_cast<size_t>(db);
  if (i >= dbs_.size())
    dbs_.resize(i + 1);
  return dbs_[i];
}

void waiter_table::park(int db, std::string_view key, waiter_ptr w) {
  auto& queues = db_queues(db);
  auto [it, added] = queues.try_emplace(std::string(key));
  if (added)
    ++keys_waited_;
  it->second.push_back(std::move(w));
}

std::deque<waiter_ptr>* waiter_table::queue(int db, std::string_view key) {
  if (static_cast<size_t>(db) >= dbs_.size())
    return nullptr;
  auto& queues = dbs_[static_cast<size_t>(db)];
  auto it = queues.find(std::string(key));
  return it == queues.end() ? nullptr : &it->second;
}

void waiter_table::drop_if_empty(int db, std::string_view key) {
  if (static_cast<size_t>(db) >= dbs_.size())
    return;
  auto& queues = dbs_[static_cast<size_t>(db)];
  auto it = queues.find(std::string(key));
  if (it != queues.end() && it->second.empty()) {
    queues.erase(it);
    --keys_waited_;
  }
}

void waiter_table::remove(int db, const std::vector<std::string_view>& keys,
                          const blocked_client* w) {
  for (auto key : keys) {
    auto* q = queue(db, key);
    if (q == nullptr)
      continue;
    q->erase(std::remove_if(q->begin(), q->end(),
                            [w](const waiter_ptr& p) { return p.get() == w; }),
             q->end());
    drop_if_empty(db, key);
  }
}

void waiter_table::signal(int db, std::string_view key) {
  if (queue(db, key) == nullptr)
    return;
  if (ready_set_.insert(ready_id(db, key)).second)
    ready_.emplace_back(db, std::string(key));
}

void waiter_table::signal_all(int db) {
  if (static_cast<size_t>(db) >= dbs_.size())
    return;
  for (auto& [key, q] : dbs_[static_cast<size_t>(db)])
    if (!q.empty() && ready_set_.insert(ready_id(db, key)).second)
      ready_.emplace_back(db, key);
}

std::vector<std::pair<int, std::string>> waiter_table::take_ready() {
  ready_set_.clear();
  return std::exchange(ready_, {});
}

bool may_block(const command_spec& spec, const protocol::command_args& argv) {
  if (spec.name != "xread" && spec.name != "xreadgroup")
    return true;
  // Their options come before STREAMS (keys named "block" after it).
  for (size_t i = 1; i < argv.size(); ++i) {
    if (datatypes::iequals(argv[i], "streams"))
      return false;
    if (datatypes::iequals(argv[i], "block"))
      return true;
    if (datatypes::iequals(argv[i], "group"))
      i += 2;
    else if (datatypes::iequals(argv[i], "count"))
      ++i;
  }
  return false;
}

void park(command_context& ctx, std::vector<std::string_view> keys, int64_t timeout_ms) {
  if (ctx.ready_key != nullptr)
    return;
  if (ctx.waiter == nullptr) {
    // Where it may not block, Redis's BLMOVE / BRPOPLPUSH answer a null
    // bulk (their single-element reply), every other one a null array.
    if (ctx.spec.name == "blmove" || ctx.spec.name == "brpoplpush")
      ctx.reply.null();
    else
      ctx.reply.null_array();
    return;
  }
  auto& w = *ctx.waiter;
  for (auto key : keys)
    ctx.ks->part(key).waiters.park(ctx.db, key, ctx.waiter);
  w.keys = std::move(keys);
  w.timeout_ms = timeout_ms;
  w.mark_parked();
  ctx.parked = true;
}

} // namespace actis::commands
