// Redis's exact error and constant reply texts, defined once.
// Each text is the error line without the leading '-' (reply_builder::error).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace actis::protocol::err {

inline constexpr std::string_view syntax = "ERR syntax error";
inline constexpr std::string_view wrong_type =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view not_integer = "ERR value is not an integer or out of range";
inline constexpr std::string_view not_float = "ERR value is not a valid float";
inline constexpr std::string_view overflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view nan_or_inf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view no_such_key = "ERR no such key";
inline constexpr std::string_view db_index_out_of_range = "ERR DB index is out of range";
inline constexpr std::string_view same_object = "ERR source and destination objects are the same";
inline constexpr std::string_view string_too_long =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view bit_offset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view bit_value = "ERR bit is not an integer or out of range";
inline constexpr std::string_view offset_range = "ERR offset is out of range";
inline constexpr std::string_view positive_count = "ERR value is out of range, must be positive";
inline constexpr std::string_view unblock_reason =
    "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
inline constexpr std::string_view unblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr std::string_view numkeys_not_positive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view count_not_positive = "ERR count should be greater than 0";
inline constexpr std::string_view timeout_negative = "ERR timeout is negative";
inline constexpr std::string_view timeout_not_float = "ERR timeout is not a float or out of range";
inline constexpr std::string_view index_out_of_range = "ERR index out of range";
inline constexpr std::string_view hash_not_integer = "ERR hash value is not an integer";
inline constexpr std::string_view hash_not_float = "ERR hash value is not a float";
inline constexpr std::string_view min_max_not_float = "ERR min or max is not a float";
inline constexpr std::string_view min_max_not_lex = "ERR min or max not valid string range item";
inline constexpr std::string_view xx_and_nx = "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view zadd_gt_lt_nx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view zadd_incr_pair =
    "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view expire_options =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view invalid_cursor = "ERR invalid cursor";
inline constexpr std::string_view invalid_stream_id =
    "ERR Invalid stream ID specified as stream command argument";
inline constexpr std::string_view busy_key = "BUSYKEY Target key name already exists.";
// RESTORE
inline constexpr std::string_view restore_ttl_negative = "ERR Invalid TTL value, must be >= 0";
inline constexpr std::string_view dump_payload_invalid =
    "ERR DUMP payload version or checksum are wrong";
inline constexpr std::string_view bad_data_format = "ERR Bad data format";
inline constexpr std::string_view restore_idletime_negative =
    "ERR Invalid IDLETIME value, must be >= 0";
inline constexpr std::string_view restore_freq_range =
    "ERR Invalid FREQ value, must be >= 0 and <= 255";
inline constexpr std::string_view exec_without_multi = "ERR EXEC without MULTI";
inline constexpr std::string_view discard_without_multi = "ERR DISCARD without MULTI";
inline constexpr std::string_view multi_nested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view watch_inside_multi = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view exec_abort =
    "EXECABORT Transaction discarded because of previous errors.";
/// Followed by the reason EXEC itself was refused.
inline constexpr std::string_view exec_abort_because = "EXECABORT Transaction discarded because of: ";
inline constexpr std::string_view not_allowed_in_multi =
    "ERR Command not allowed inside a transaction";
inline constexpr std::string_view no_script = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view no_auth = "NOAUTH Authentication required.";
inline constexpr std::string_view protected_mode_denied =
    "DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same host "
    "the server is running, however MAKE SURE Redis is not publicly accessible from internet if "
    "you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just "
    "disable the protected mode by editing the Redis configuration file, and setting the protected "
    "mode option to 'no', and then restarting the server. 3) If you started the server manually "
    "just for testing, restart it with the '--protected-mode no' option. 4) Setup a an "
    "authentication password for the default user. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the outside.";
inline constexpr std::string_view noauth_hello =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
    "protocol version at the same time";
inline constexpr std::string_view wrong_pass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view auth_without_password =
    "ERR AUTH <password> called without any password configured for the default user. "
    "Are you sure your configuration is correct?";
inline constexpr std::string_view no_permission_debug =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";

/// "ERR wrong number of arguments for '<cmd>' command" (cmd as Redis prints it:
/// lower case, with the subcommand as "cmd|sub").
std::string wrong_arity(std::string_view cmd);
/// "ERR unknown command '<name>', with args beginning with: 'a' 'b' ", with
/// Redis 7.0's truncation: name to 128 bytes, args listed while the list is
/// under 128 bytes, each cut to what is left; text stops at NUL, CR/LF -> ' '.
template <class Args>
std::string unknown_command(const Args& argv);
/// "ERR unknown subcommand '<sub>'. Try <CMD> HELP." (sub cut to 128 bytes)
std::string unknown_subcommand(std::string_view sub, std::string_view cmd_upper);
/// "ERR invalid expire time in '<cmd>' command"
std::string invalid_expire(std::string_view cmd);
/// What a RESP2 client in pub/sub context may not run ("ERR Can't execute
/// '<cmd>': only (P|S)SUBSCRIBE / ... are allowed in this context").
inline std::string subscribed_context(std::string_view cmd) {
  return "ERR Can't execute '" + std::string(cmd)
         + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
           "this context";
}
/// SSUBSCRIBE where a client may not block (MULTI, scripts).
inline constexpr std::string_view ssubscribe_deny_blocking =
    "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client";
/// actis only: a command could not run because the loop owning its
/// partition did not answer ("ERR partition <n> unavailable (<why>)").
std::string partition_unavailable(uint32_t partition, std::string_view why);
/// actis only: a reply larger than memory allows (a huge random count).
inline constexpr std::string_view reply_too_large = "ERR reply too large for memory";
/// actis only: a command touched a key its key specification did not
/// declare (a server bug, answered instead of touching unowned data).
inline constexpr std::string_view undeclared_key =
    "ERR internal error: command touched a key it did not declare";


// String and bitmap families.
inline constexpr std::string_view decrement_overflow = "ERR decrement would overflow";
inline constexpr std::string_view bit_argument = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view bitop_not_single =
    "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view bitfield_type =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
inline constexpr std::string_view bitfield_overflow_type = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view bitfield_ro_get_only =
    "ERR BITFIELD_RO only supports the GET subcommand";
inline constexpr std::string_view lcs_not_strings =
    "ERR The specified keys must contain string values";
inline constexpr std::string_view lcs_len_and_idx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view lcs_too_long = "ERR String too long for LCS";
inline constexpr std::string_view lpos_rank_zero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
inline constexpr std::string_view lpos_count_negative = "ERR COUNT can't be negative";
inline constexpr std::string_view lpos_maxlen_negative = "ERR MAXLEN can't be negative";
inline constexpr std::string_view packed_threshold_range =
    "ERR argument must be a memory value bigger than 1 and smaller than 4gb";
inline constexpr std::string_view lcs_memory =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

// Hash family.
inline constexpr std::string_view value_nan_or_inf = "ERR value is NaN or Infinity";
inline constexpr std::string_view value_out_of_range = "ERR value is out of range";
/// getRangeLongFromObjectOrReply over -LONG_MAX..LONG_MAX (the counts of
/// HRANDFIELD, SRANDMEMBER and ZRANDMEMBER).
inline constexpr std::string_view long_out_of_range =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";

// Sorted set family.
inline constexpr std::string_view score_nan = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view weight_not_float = "ERR weight value is not a float";
inline constexpr std::string_view zrange_limit_without_by =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view zrange_withscores_bylex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
/// "ERR at least 1 input key is needed for '<cmd>' command"
inline std::string zset_no_input_keys(std::string_view cmd) {
  return "ERR at least 1 input key is needed for '" + std::string(cmd) + "' command";
}

inline constexpr std::string_view limit_negative = "ERR LIMIT can't be negative";
// Set family.
inline constexpr std::string_view numkeys_too_many =
    "ERR Number of keys can't be greater than number of args";
// SORT.
inline constexpr std::string_view sort_not_double =
    "ERR One or more scores can't be converted into double";

// Connection and server families.
inline constexpr std::string_view no_proto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view protover_not_integer =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view bad_client_name =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view no_such_client = "ERR No such client";
inline constexpr std::string_view invalid_client_id = "ERR Invalid client ID";
inline constexpr std::string_view client_id_not_positive =
    "ERR client-id should be greater than 0";
inline constexpr std::string_view getkeys_invalid_command = "ERR Invalid command specified";
inline constexpr std::string_view getkeys_no_keys = "ERR The command has no key arguments";
inline constexpr std::string_view getkeys_bad_arity =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view getkeys_bad_arguments =
    "ERR Invalid arguments specified for command";
inline constexpr std::string_view no_config_file =
    "ERR The server is running without a config file";
/// getIntFromObjectOrReply: a valid long long outside the int range.
inline constexpr std::string_view int_out_of_range =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view expire_gt_lt =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view invalid_first_db = "ERR invalid first DB index";
inline constexpr std::string_view invalid_second_db = "ERR invalid second DB index";
inline constexpr std::string_view lfu_idle_time =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view lfu_not_selected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
inline constexpr std::string_view no_shutdown = "ERR No shutdown in progress.";
inline constexpr std::string_view misconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";
inline std::string misconf_aof(std::string_view why) {
  return "MISCONF Errors writing to the AOF file: " + std::string(why);
}
inline constexpr std::string_view loading = "LOADING Redis is loading the dataset in memory";
inline constexpr std::string_view shutdown_failed = "ERR Errors trying to SHUTDOWN. Check logs.";
/// Written straight to a connection refused at accept (not a command reply).
inline constexpr std::string_view max_clients = "ERR max number of clients reached";
inline constexpr std::string_view debug_protocol_type =
    "ERR Wrong protocol type name. Please use one of the following: "
    "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";
inline constexpr std::string_view resp2_unsupported = "ERR RESP2 is not supported by this command";

/// "ERR Unsupported option <opt>" (EXPIRE family)
std::string unsupported_option(std::string_view opt);
/// "ERR Unknown client type '<type>'" (CLIENT LIST / KILL TYPE)
std::string unknown_client_type(std::string_view type);
/// "ERR Syntax error in HELLO option '<opt>'"
std::string hello_syntax(std::string_view opt);
/// "ERR No such user '<user>'" (CLIENT KILL USER)
std::string no_such_user(std::string_view user);
/// "ERR Rewriting config file: <reason>"
std::string config_rewrite_failed(std::string_view reason);
/// Redis's one text for an unknown part and a wrong argument count of a
/// subcommand (DEBUG, CLIENT UNBLOCK ...): "ERR unknown subcommand or wrong
/// number of arguments for '<sub>'. Try <CMD> HELP." (`sub` as the client
/// wrote it)
std::string subcommand_usage(std::string_view sub, std::string_view cmd_upper);
/// DEBUG's one text for an unknown part and a wrong argument count:
/// "ERR unknown subcommand or wrong number of arguments for '<sub>'. Try
/// DEBUG HELP." (`sub` as the client wrote it)
std::string debug_usage(std::string_view sub);

// HyperLogLog (PFADD, PFCOUNT, PFMERGE, PFDEBUG).
inline constexpr std::string_view hll_not_hll =
    "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr std::string_view hll_corrupt = "INVALIDOBJ Corrupted HLL object detected";
inline constexpr std::string_view hll_no_such_key = "ERR The specified key does not exist";
inline constexpr std::string_view hll_not_sparse = "ERR HLL encoding is not sparse";
/// "ERR Unknown PFDEBUG subcommand '<sub>'"
inline std::string hll_unknown_subcommand(std::string_view sub) {
  return "ERR Unknown PFDEBUG subcommand '" + std::string(sub) + "'";
}

// GEO commands.
/// "ERR invalid longitude,latitude pair <lon>,<lat>" (`pair` already printed).
inline std::string geo_invalid_pair(std::string_view pair) {
  return "ERR invalid longitude,latitude pair " + std::string(pair);
}
inline constexpr std::string_view geo_member_not_found =
    "ERR could not decode requested zset member";
inline constexpr std::string_view geo_unit =
    "ERR unsupported unit provided. please use M, KM, FT, MI";
inline constexpr std::string_view geo_radius_not_number = "ERR need numeric radius";
inline constexpr std::string_view geo_width_not_number = "ERR need numeric width";
inline constexpr std::string_view geo_height_not_number = "ERR need numeric height";
inline constexpr std::string_view geo_radius_negative = "ERR radius cannot be negative";
inline constexpr std::string_view geo_box_negative = "ERR height or width cannot be negative";
inline constexpr std::string_view geo_count_not_positive = "ERR COUNT must be > 0";
inline constexpr std::string_view geo_any_without_count =
    "ERR the ANY argument requires COUNT argument";
/// "ERR <what> is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
inline std::string geo_store_with_options(std::string_view what) {
  return "ERR " + std::string(what) +
         " is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
}
/// "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for <cmd>"
inline std::string geo_from_missing(std::string_view cmd) {
  return "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + std::string(cmd);
}
/// "ERR exactly one of BYRADIUS and BYBOX can be specified for <cmd>"
inline std::string geo_by_missing(std::string_view cmd) {
  return "ERR exactly one of BYRADIUS and BYBOX can be specified for " + std::string(cmd);
}

// -- scripting (EVAL, SCRIPT, FUNCTION) --------------------------------------
// redis.call refusals: raised in the script as Redis's error tables, which
// prefix "ERR ".
inline constexpr std::string_view script_unknown_command =
    "Unknown Redis command called from script";
inline constexpr std::string_view script_wrong_arity =
    "Wrong number of args calling Redis command from script";
inline constexpr std::string_view script_not_allowed =
    "This Redis command is not allowed from script";
inline constexpr std::string_view script_write_in_read_only =
    "Write commands are not allowed from read-only scripts.";
inline constexpr std::string_view noscript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view numkeys_above_args =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view numkeys_negative = "ERR Number of keys can't be negative";
inline constexpr std::string_view script_write_flag_ro =
    "ERR Can not execute a script with write flag using *_ro command.";
inline constexpr std::string_view script_flush_option =
    "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
inline constexpr std::string_view script_debug_option = "ERR Use SCRIPT DEBUG YES/SYNC/NO";
inline constexpr std::string_view function_not_found = "ERR Function not found";
inline constexpr std::string_view bad_number_of_keys = "ERR Bad number of keys provided";
inline constexpr std::string_view function_code_missing = "ERR Function code is missing";
inline constexpr std::string_view library_name_invalid =
    "ERR Library names can only contain letters, numbers, or underscores(_) and must be at "
    "least one character long";
inline constexpr std::string_view library_not_found = "ERR Library not found";
inline constexpr std::string_view library_name_missing =
    "ERR library name argument was not given";
inline constexpr std::string_view function_flush_option =
    "ERR FUNCTION FLUSH only supports SYNC|ASYNC option";
inline constexpr std::string_view function_restore_policy =
    "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.";
inline constexpr std::string_view script_debug_unsupported =
    "ERR SCRIPT DEBUG YES/SYNC: the Lua debugger is not available in this server";
// Streams (XADD, XREAD, XGROUP, XCLAIM ...).
inline constexpr std::string_view stream_id_zero =
    "ERR The ID specified in XADD must be greater than 0-0";
inline constexpr std::string_view stream_id_too_small =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
inline constexpr std::string_view stream_exhausted =
    "ERR The stream has exhausted the last possible ID, unable to add more items";
inline constexpr std::string_view stream_maxlen_and_minid =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
inline constexpr std::string_view stream_maxlen_negative = "ERR The MAXLEN argument must be >= 0.";
inline constexpr std::string_view stream_limit_negative = "ERR The LIMIT argument must be >= 0.";
inline constexpr std::string_view stream_limit_without_strategy =
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
inline constexpr std::string_view stream_xtrim_without_strategy =
    "ERR syntax error, XTRIM must be called with a trimming strategy";
inline constexpr std::string_view stream_limit_without_approx =
    "ERR syntax error, LIMIT cannot be used without the special ~ option";
inline constexpr std::string_view stream_invalid_start = "ERR invalid start ID for the interval";
inline constexpr std::string_view stream_invalid_end = "ERR invalid end ID for the interval";
inline constexpr std::string_view stream_setid_below_top =
    "ERR The ID specified in XSETID is smaller than the target stream top item";
inline constexpr std::string_view stream_setid_below_given_deleted =
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
inline constexpr std::string_view stream_setid_entries_added =
    "ERR The entries_added specified in XSETID is smaller than the target stream length";
inline constexpr std::string_view stream_entries_added_negative =
    "ERR entries_added must be positive";
inline constexpr std::string_view stream_entries_read_range =
    "ERR value for ENTRIESREAD must be positive or -1";
inline constexpr std::string_view stream_busygroup = "BUSYGROUP Consumer Group name already exists";
inline constexpr std::string_view stream_group_needs_key =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically.";
inline constexpr std::string_view stream_noack_in_xread =
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view stream_group_in_xread =
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view stream_missing_group = "ERR Missing GROUP option for XREADGROUP";
inline constexpr std::string_view stream_dollar_in_group =
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
    "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID "
    "would just return an empty result set.";
inline constexpr std::string_view stream_gt_outside_group =
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
    "<consumer> option.";
inline constexpr std::string_view stream_unbalanced_xread =
    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
inline constexpr std::string_view stream_timeout_not_integer =
    "ERR timeout is not an integer or out of range";
inline constexpr std::string_view stream_group_gone =
    "NOGROUP the consumer group this client was blocked on no longer exists";
inline constexpr std::string_view xclaim_min_idle = "ERR Invalid min-idle-time argument for XCLAIM";
inline constexpr std::string_view xclaim_idle = "ERR Invalid IDLE option argument for XCLAIM";
inline constexpr std::string_view xclaim_time = "ERR Invalid TIME option argument for XCLAIM";
inline constexpr std::string_view xclaim_retrycount =
    "ERR Invalid RETRYCOUNT option argument for XCLAIM";
inline constexpr std::string_view xautoclaim_min_idle =
    "ERR Invalid min-idle-time argument for XAUTOCLAIM";
inline constexpr std::string_view xautoclaim_count = "ERR COUNT must be > 0";
/// "NOGROUP No such key '<key>' or consumer group '<group>'" plus `suffix`
/// (" in XREADGROUP with GROUP option" for XREADGROUP).
inline std::string stream_no_key_or_group(std::string_view key, std::string_view group,
                                          std::string_view suffix = {}) {
  std::string s = "NOGROUP No such key '";
  s.append(key).append("' or consumer group '").append(group).append("'").append(suffix);
  return s;
}
/// XREAD/XREADGROUP BLOCK in a script; `command` as the script spelled it.
inline std::string stream_block_in_script(std::string_view command) {
  return "ERR " + std::string(command) + " command is not allowed with BLOCK option from scripts";
}
/// "NOGROUP No such consumer group '<group>' for key name '<key>'"
inline std::string stream_no_group(std::string_view key, std::string_view group) {
  std::string s = "NOGROUP No such consumer group '";
  s.append(group).append("' for key name '").append(key).append("'");
  return s;
}
/// "ERR Unrecognized XCLAIM option '<opt>'"
inline std::string xclaim_unknown_option(std::string_view opt) {
  std::string s = "ERR Unrecognized XCLAIM option '";
  s.append(opt).append("'");
  return s;
}
} // namespace actis::protocol::err

#include "protocol/errors_impl.hpp"
