// Shared by the sorted set family's files (zset_family.cpp registers,
// zset_range_family.cpp holds the range and set-operation handlers): reply
// helpers and the handlers one file defines for the other's table.
#pragma once

#include <span>

#include "commands/context.hpp"
#include "commands/zset_ops.hpp"

namespace actis::commands::zset_family {

/// Members, with their scores if asked: RESP2 a flat array, RESP3 an array
/// of [member, score] pairs (Redis 7.0's ZRANGE WITHSCORES / ZPOPMIN count).
void reply_members(command_context& ctx, std::span<const scored_member> members,
                   bool withscores);

void zrange_cmd(command_context& ctx);
void zrangestore_cmd(command_context& ctx);
void zrevrange_cmd(command_context& ctx);
void zrangebyscore_cmd(command_context& ctx);
void zrevrangebyscore_cmd(command_context& ctx);
void zrangebylex_cmd(command_context& ctx);
void zrevrangebylex_cmd(command_context& ctx);
void zcount_cmd(command_context& ctx);
void zlexcount_cmd(command_context& ctx);
void zremrangebyrank_cmd(command_context& ctx);
void zremrangebyscore_cmd(command_context& ctx);
void zremrangebylex_cmd(command_context& ctx);
void zunion_cmd(command_context& ctx);
void zinter_cmd(command_context& ctx);
void zdiff_cmd(command_context& ctx);
void zunionstore_cmd(command_context& ctx);
void zinterstore_cmd(command_context& ctx);
void zdiffstore_cmd(command_context& ctx);
void zintercard_cmd(command_context& ctx);

} // namespace actis::commands::zset_family
