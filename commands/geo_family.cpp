// The GEO commands: GEOADD, GEODIST, GEOHASH, GEOPOS and the searches
// (GEOSEARCH, GEOSEARCHSTORE, GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO]).
// Parsing, replies and registration; the operations are in geo_ops.cpp.
#include <string>

#include "commands/command.hpp"
#include "commands/context.hpp"
#include "commands/families.hpp"
#include "commands/geo_ops.hpp"
#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

namespace geo = datatypes::geo;
using datatypes::iequals;

void geoadd_cmd(command_context& ctx) {
  const command_args& argv = ctx.argv;
  zadd_options options;
  size_t first = 2;
  for (; first < argv.size(); ++first) {
    if (iequals(argv[first], "nx"))
      options.nx = true;
    else if (iequals(argv[first], "xx"))
      options.xx = true;
    else if (iequals(argv[first], "ch"))
      options.ch = true;
    else
      break;
  }
  size_t rest = argv.size() - first;
  if (rest % 3 != 0 || rest == 0 || (options.nx && options.xx))
    return reply_status(ctx.reply, op_status::syntax);
  std::vector<geo_add_element> elements;
  elements.reserve(rest / 3);
  std::string detail;
  for (size_t j = first; j < argv.size(); j += 3) {
    auto where = parse_lon_lat(argv[j], argv[j + 1], detail);
    if (!where.ok())
      return reply_error(ctx, where.error());
    elements.push_back({*where, argv[j + 2]});
  }
  auto r = op_geoadd(*ctx.ks, ctx.db, argv[1], options, elements);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.integer(static_cast<long long>(r->added + (options.ch ? r->updated : 0)));
  if (r->added + r->updated == 0)
    return;
  // Replicas get the ZADD it stands for, scores already encoded (Redis
  // replaces the command vector).
  command_args zadd{"zadd"};
  for (size_t j = 1; j < first; ++j)
    zadd.push_back(argv[j]);
  for (const auto& e : elements) {
    zadd.push_back(std::to_string(geo::score_of(e.where.lon, e.where.lat)));
    zadd.emplace_back(e.member);
  }
  ctx.propagate_as(std::move(zadd));
}

void geodist_cmd(command_context& ctx) {
  double to_meters = 1;
  if (ctx.argv.size() == 5) {
    auto unit = parse_unit(ctx.argv[4]);
    if (!unit.ok())
      return reply_error(ctx, unit.error());
    to_meters = *unit;
  } else if (ctx.argv.size() > 5) {
    return reply_status(ctx.reply, op_status::syntax);
  }
  auto r = op_geodist(*ctx.ks, ctx.db, ctx.argv[1], ctx.argv[2], ctx.argv[3]);
  if (!r.ok())
    return reply_error(ctx, r.error());
  ctx.reply.bulk(distance_text(*r / to_meters));
}

/// A coordinate as Redis replies it: a bulk string in RESP2, a double in RESP3.
void reply_coordinate(command_context& ctx, double v) {
  std::string text = human_coordinate(v);
  if (ctx.reply.resp() == 2)
    ctx.reply.bulk(text);
  else
    ctx.reply.raw("," + text + "\r\n");
}

void geohash_cmd(command_context& ctx) {
  auto z = op_geo_source(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!z.ok())
    return reply_error(ctx, z.error());
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t j = 2; j < ctx.argv.size(); ++j) {
    auto score = *z != nullptr ? (*z)->score(ctx.argv[j]) : std::nullopt;
    if (score)
      ctx.reply.bulk(geo::geohash_string(*score));
    else
      ctx.reply.null();
  }
}

void geopos_cmd(command_context& ctx) {
  auto z = op_geo_source(*ctx.ks, ctx.db, ctx.argv[1]);
  if (!z.ok())
    return reply_error(ctx, z.error());
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t j = 2; j < ctx.argv.size(); ++j) {
    auto p = member_position(*z, ctx.argv[j]);
    if (!p) {
      ctx.reply.null_array();
      continue;
    }
    ctx.reply.array(2);
    reply_coordinate(ctx, p->lon);
    reply_coordinate(ctx, p->lat);
  }
}

// --- The searches ------------------------------------------------------------

enum search_flag : unsigned {
  around_coords = 1,  // GEORADIUS: lon lat radius unit
  around_member = 2,  // GEORADIUSBYMEMBER: member radius unit
  no_store = 4,       // the _RO forms
  search = 8,         // GEOSEARCH: FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX
  search_store = 16,  // GEOSEARCHSTORE: destination first, STOREDIST flag
};

/// Radius and unit (Redis's extractDistanceOrReply).
op_status parse_radius(const std::string& radius, const std::string& unit, geo::shape& s) {
  double r;
  if (!datatypes::parse_double(radius, r))
    return op_status::geo_radius_not_number;
  if (r < 0)
    return op_status::geo_radius_negative;
  auto m = parse_unit(unit);
  if (!m.ok())
    return m.status();
  s.type = geo::shape::kind::radius;
  s.radius = r;
  s.conversion = *m;
  return op_status::ok;
}

/// Width, height and unit (Redis's extractBoxOrReply).
op_status parse_box(const std::string& width, const std::string& height, const std::string& unit,
                    geo::shape& s) {
  double w, h;
  if (!datatypes::parse_double(width, w))
    return op_status::geo_width_not_number;
  if (!datatypes::parse_double(height, h))
    return op_status::geo_height_not_number;
  if (h < 0 || w < 0)
    return op_status::geo_box_negative;
  auto m = parse_unit(unit);
  if (!m.ok())
    return m.status();
  s.type = geo::shape::kind::box;
  s.width = w;
  s.height = h;
  s.conversion = *m;
  return op_status::ok;
}

/// Redis's georadiusGeneric: the source is looked up first (WRONGTYPE
/// before any argument error), members are located while parsing, and a
/// missing source answers after every argument was checked.
template <unsigned Flags>
void search_cmd(command_context& ctx) {
  const command_args& argv = ctx.argv;
  size_t src_index = (Flags & search_store) ? 2 : 1;
  auto source = op_geo_source(*ctx.ks, ctx.db, argv[src_index]);
  if (!source.ok())
    return reply_error(ctx, source.error());
  const datatypes::zset* z = *source;

  geo::shape shape;
  std::string detail;
  size_t base = 0;
  const std::string* store_key = nullptr;
  bool store_distance = false;
  auto fail = [&](op_status s, std::string_view d = {}) { reply_status(ctx.reply, s, d); };

  if constexpr ((Flags & around_coords) != 0) {
    base = 6;
    auto where = parse_lon_lat(argv[2], argv[3], detail);
    if (!where.ok())
      return reply_error(ctx, where.error());
    shape.lon = where->lon;
    shape.lat = where->lat;
    if (auto s = parse_radius(argv[4], argv[5], shape); s != op_status::ok)
      return fail(s);
  } else if constexpr ((Flags & around_member) != 0) {
    base = 5;
    if (z != nullptr) {
      auto p = member_position(z, argv[2]);
      if (!p)
        return fail(op_status::geo_member_not_found);
      shape.lon = p->lon;
      shape.lat = p->lat;
      if (auto s = parse_radius(argv[3], argv[4], shape); s != op_status::ok)
        return fail(s);
    }
  } else {
    base = (Flags & search_store) ? 3 : 2;
    if constexpr ((Flags & search_store) != 0)
      store_key = &argv[1];
  }

  bool withdist = false, withhash = false, withcoord = false, any = false;
  bool from_member = false, from_lonlat = false, by_radius = false, by_box = false;
  geo_sort sort = geo_sort::none;
  long long count = 0;
  constexpr bool is_search = (Flags & search) != 0;
  constexpr bool may_store = (Flags & (no_store | search)) == 0;
  size_t remaining = argv.size() > base ? argv.size() - base : 0;
  for (size_t i = 0; i < remaining; ++i) {
    const std::string& arg = argv[base + i];
    if (iequals(arg, "withdist")) {
      withdist = true;
    } else if (iequals(arg, "withhash")) {
      withhash = true;
    } else if (iequals(arg, "withcoord")) {
      withcoord = true;
    } else if (iequals(arg, "any")) {
      any = true;
    } else if (iequals(arg, "asc")) {
      sort = geo_sort::asc;
    } else if (iequals(arg, "desc")) {
      sort = geo_sort::desc;
    } else if (iequals(arg, "count") && i + 1 < remaining) {
      if (!datatypes::parse_ll(argv[base + i + 1], count))
        return fail(op_status::not_integer);
      if (count <= 0)
        return fail(op_status::geo_count_not_positive);
      ++i;
    } else if (may_store && (iequals(arg, "store") || iequals(arg, "storedist")) &&
               i + 1 < remaining) {
      store_key = &argv[base + i + 1];
      store_distance = iequals(arg, "storedist");
      ++i;
    } else if ((Flags & search_store) != 0 && iequals(arg, "storedist")) {
      store_distance = true;
    } else if (is_search && iequals(arg, "frommember") && i + 1 < remaining && !from_lonlat) {
      if (z != nullptr) {
        auto p = member_position(z, argv[base + i + 1]);
        if (!p)
          return fail(op_status::geo_member_not_found);
        shape.lon = p->lon;
        shape.lat = p->lat;
      }
      from_member = true;
      ++i;
    } else if (is_search && iequals(arg, "fromlonlat") && i + 2 < remaining && !from_member) {
      auto where = parse_lon_lat(argv[base + i + 1], argv[base + i + 2], detail);
      if (!where.ok())
        return reply_error(ctx, where.error());
      shape.lon = where->lon;
      shape.lat = where->lat;
      from_lonlat = true;
      i += 2;
    } else if (is_search && iequals(arg, "byradius") && i + 2 < remaining && !by_box) {
      if (auto s = parse_radius(argv[base + i + 1], argv[base + i + 2], shape); s != op_status::ok)
        return fail(s);
      by_radius = true;
      i += 2;
    } else if (is_search && iequals(arg, "bybox") && i + 3 < remaining && !by_radius) {
      if (auto s = parse_box(argv[base + i + 1], argv[base + i + 2], argv[base + i + 3], shape);
          s != op_status::ok)
        return fail(s);
      by_box = true;
      i += 3;
    } else {
      return fail(op_status::syntax);
    }
  }

  if (store_key != nullptr && (withdist || withhash || withcoord))
    return fail(op_status::geo_store_with_options,
                (Flags & search_store) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS");
  if (is_search && !(from_member || from_lonlat))
    return fail(op_status::geo_from_missing, argv[0]);
  if (is_search && !(by_radius || by_box))
    return fail(op_status::geo_by_missing, argv[0]);
  if (any && count == 0)
    return fail(op_status::geo_any_without_count);

  std::string_view event = is_search ? "geosearchstore" : "georadiusstore";
  if (z == nullptr) {
    if (store_key == nullptr) {
      ctx.reply.array(0);
      return;
    }
    auto r = op_geo_store(*ctx.ks, ctx.db, *store_key, {}, false, 1, event);
    if (!r.ok())
      return reply_error(ctx, r.error());
    ctx.reply.integer(0);
    return;
  }
  // COUNT picks the nearest: it implies ASC unless ANY takes the first found.
  if (count != 0 && sort == geo_sort::none && !any)
    sort = geo_sort::asc;
  auto matches = geo_search(*z, shape, sort, static_cast<uint64_t>(count), any);

  if (store_key != nullptr) {
    auto r = op_geo_store(*ctx.ks, ctx.db, *store_key, matches, store_distance, shape.conversion,
                          event);
    if (!r.ok())
      return reply_error(ctx, r.error());
    ctx.reply.integer(static_cast<long long>(matches.size()));
    return;
  }
  size_t options = (withdist ? 1 : 0) + (withhash ? 1 : 0) + (withcoord ? 1 : 0);
  ctx.reply.array(matches.size());
  for (const auto& m : matches) {
    if (options != 0)
      ctx.reply.array(options + 1);
    ctx.reply.bulk(m.member);
    if (withdist)
      ctx.reply.bulk(distance_text(m.distance / shape.conversion));
    if (withhash)
      ctx.reply.integer(static_cast<long long>(m.score));
    if (withcoord) {
      ctx.reply.array(2);
      reply_coordinate(ctx, m.where.lon);
      reply_coordinate(ctx, m.where.lat);
    }
  }
}

} // namespace

void register_geo_family(command_table& t) {
  constexpr auto geo = command_group::geo;
  constexpr uint32_t rw = f_write | f_denyoom;
  constexpr uint16_t read = k_ro | k_access;
  constexpr uint16_t store = k_ow | k_update;
  const command_def rows[] = {
      {.name = "geoadd", .arity = -5, .flags = rw, .group = geo,
       .keys = {key_at(1, k_rw | k_update)}, .handler = geoadd_cmd,
       .docs = {"Adds members with their coordinates to a geospatial index.", "3.2.0",
                "O(log(N)) for each item added."}},
      {.name = "geodist", .arity = -4, .flags = f_readonly, .group = geo,
       .keys = {key_at(1, read)}, .handler = geodist_cmd,
       .docs = {"Returns the distance between two members of a geospatial index.", "3.2.0",
                "O(log(N))"}},
      {.name = "geohash", .arity = -2, .flags = f_readonly, .group = geo,
       .keys = {key_at(1, read)}, .handler = geohash_cmd,
       .docs = {"Returns members of a geospatial index as geohash strings.", "3.2.0",
                "O(log(N)) for each member requested."}},
      {.name = "geopos", .arity = -2, .flags = f_readonly, .group = geo,
       .keys = {key_at(1, read)}, .handler = geopos_cmd,
       .docs = {"Returns the longitude and latitude of members of a geospatial index.", "3.2.0",
                "O(log(N)) for each member requested."}},
      {.name = "geosearch", .arity = -7, .flags = f_readonly, .group = geo,
       .keys = {key_at(1, read)}, .handler = search_cmd<search>,
       .docs = {"Queries a geospatial index for members inside an area of a box or a circle.",
                "6.2.0", "O(N+log(M)) for N elements in the area and M in the index."}},
      {.name = "geosearchstore", .arity = -8, .flags = rw, .group = geo,
       .keys = {key_at(1, store), key_at(2, read)}, .handler = search_cmd<search | search_store>,
       .docs = {"Stores the members of a geospatial index inside an area of a box or a circle.",
                "6.2.0", "O(N+log(M)) for N elements in the area and M in the index."}},
      {.name = "georadius", .arity = -6, .flags = rw, .group = geo,
       .keys = {key_at(1, read), {store, begin_after("STORE", 6), keys_range(0)},
                {store, begin_after("STOREDIST", 6), keys_range(0)}},
       // A STORE without its key voids the layout (the command then fails
       // parsing): the source still picks the partition.
       .handler = search_cmd<around_coords>,
       .docs = {"Queries a geospatial index for members within a distance of a coordinate, "
                "optionally stores the result.", "3.2.0",
                "O(N+log(M)) for N elements in the area and M in the index."}},
      {.name = "georadius_ro", .arity = -6, .flags = f_readonly, .group = geo,
       .keys = {key_at(1, read)}, .handler = search_cmd<around_coords | no_store>,
       .docs = {"Returns members of a geospatial index within a distance of a coordinate.",
                "3.2.10", "O(N+log(M)) for N elements in the area and M in the index."}},
      {.name = "georadiusbymember", .arity = -5, .flags = rw, .group = geo,
       .keys = {key_at(1, read), {store, begin_after("STORE", 5), keys_range(0)},
                {store, begin_after("STOREDIST", 5), keys_range(0)}},
       // A STORE without its key voids the layout (the command then fails
       // parsing): the source still picks the partition.
       .handler = search_cmd<around_member>,
       .docs = {"Queries a geospatial index for members within a distance of a member, "
                "optionally stores the result.", "3.2.0",
                "O(N+log(M)) for N elements in the area and M in the index."}},
      {.name = "georadiusbymember_ro", .arity = -5, .flags = f_readonly, .group = geo,
       .keys = {key_at(1, read)}, .handler = search_cmd<around_member | no_store>,
       .docs = {"Returns members of a geospatial index within a distance of a member.",
                "3.2.10", "O(N+log(M)) for N elements in the area and M in the index."}},
  };
  t.add(rows);
}

} // namespace actis::commands
