// Each command family registers its commands into the one command table.
#pragma once

namespace actis::commands {

class command_table;

void register_string_family(command_table& t);   // commands/string_family.cpp
void register_bitmap_family(command_table& t);   // commands/bitmap_family.cpp
void register_generic_family(command_table& t);  // commands/generic_family.cpp (keyspace)
void register_hash_family(command_table& t);     // commands/hash_family.cpp
void register_sort_family(command_table& t);     // commands/sort_family.cpp
void register_set_family(command_table& t);      // commands/set_family.cpp
void register_list_family(command_table& t);     // commands/list_family.cpp
void register_zset_family(command_table& t);     // commands/zset_family.cpp
void register_blocking_family(command_table& t); // commands/blocking_family.cpp
void register_hll_family(command_table& t);      // commands/hll_family.cpp
void register_geo_family(command_table& t);      // commands/geo_family.cpp
void register_script_family(command_table& t);   // commands/script_family.cpp
void register_function_family(command_table& t); // commands/function_family.cpp
void register_stream_family(command_table& t);   // commands/stream_family.cpp
void register_stream_group_family(command_table& t); // commands/stream_group_family.cpp
void register_dump_family(command_table& t);     // commands/dump_family.cpp
void register_memory_family(command_table& t);   // commands/memory_family.cpp

} // namespace actis::commands
