// Sorted sets (see zset.hpp). The listpack encoding holds member, score
// pairs in (score, member) order; a score is packed binary (packed_score),
// so reading one needs no parsing.
#include "datatypes/zset.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "datatypes/strutil.hpp"

namespace actis::datatypes {

namespace {

using lp_pos = listpack::pos;

/// A score as the listpack holds it: an integral value of magnitude below
/// 2^53 as its shortest little-endian two's complement bytes (none for 0),
/// anything else as the 8 bytes of the double. Like Redis's integer-encoded
/// listpack scores this is compact for the common integer scores, and -0
/// comes back as 0 (the skiplist keeps the double as it is).
class packed_score {
public:
  explicit packed_score(double d) {
    if (d == std::trunc(d) && std::fabs(d) < 9007199254740992.0) {
      auto v = static_cast<int64_t>(d);
      while (len_ < 7 && !fits(v, len_))
        ++len_;
      std::memcpy(bytes_, &v, len_);
    } else {
      std::memcpy(bytes_, &d, sizeof d);
      len_ = sizeof d;
    }
  }
  std::string_view view() const { return {bytes_, len_}; }

  static double unpack(std::string_view raw) {
    if (raw.size() == sizeof(double)) {
      double d;
      std::memcpy(&d, raw.data(), sizeof d);
      return d;
    }
    uint64_t v = 0;
    std::memcpy(&v, raw.data(), raw.size());
    if (!raw.empty() && (static_cast<unsigned char>(raw.back()) & 0x80) != 0)
      v |= ~uint64_t{0} << (8 * raw.size());
    return static_cast<double>(static_cast<int64_t>(v));
  }

private:
  static bool fits(int64_t v, size_t bytes) {
    if (bytes == 0)
      return v == 0;
    int64_t half = int64_t{1} << (8 * bytes - 1);
    return v >= -half && v < half;
  }
  char bytes_[8] = {};
  size_t len_ = 0;
};

double lp_score(const listpack& lp, lp_pos member_pos) {
  return packed_score::unpack(lp.get(lp.next(member_pos)));
}

/// Position of the first pair that sorts after (score, member), end() if none.
lp_pos lp_insert_point(const listpack& lp, double score, std::string_view member) {
  for (lp_pos p = lp.first(); p != lp.end(); p = lp.next(lp.next(p))) {
    double s = lp_score(lp, p);
    if (s > score || (s == score && lp.get(p) > member))
      return p;
  }
  return lp.end();
}

void lp_insert(listpack& lp, std::string_view member, double score) {
  lp_pos p = lp_insert_point(lp, score, member);
  p = lp.insert(p, member);
  lp.insert(lp.next(p), packed_score(score).view());
}

/// Redis 7.0's digest form of a score: "%.17g".
std::string digest_score(double d) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%.17g", d);
  return std::string(buf, static_cast<size_t>(n));
}

/// Compares a member with a lex bound's text (memcmp order, shorter first
/// on a common prefix).
int compare(std::string_view a, std::string_view b) { return a.compare(b); }

} // namespace

// --- ranges ----------------------------------------------------------------

bool lex_range::above_min(std::string_view m) const {
  switch (min.k) {
    case lex_bound::kind::minus_inf: return true;
    case lex_bound::kind::plus_inf: return false;
    case lex_bound::kind::inclusive: return compare(m, min.text) >= 0;
    case lex_bound::kind::exclusive: return compare(m, min.text) > 0;
  }
  return false;
}

bool lex_range::below_max(std::string_view m) const {
  switch (max.k) {
    case lex_bound::kind::minus_inf: return false;
    case lex_bound::kind::plus_inf: return true;
    case lex_bound::kind::inclusive: return compare(m, max.text) <= 0;
    case lex_bound::kind::exclusive: return compare(m, max.text) < 0;
  }
  return false;
}

bool lex_range::empty() const {
  using k = lex_bound::kind;
  if (min.k == k::plus_inf || max.k == k::minus_inf)
    return true;
  if (min.k == k::minus_inf || max.k == k::plus_inf)
    return false;
  int c = compare(min.text, max.text);
  return c > 0 || (c == 0 && (min.k == k::exclusive || max.k == k::exclusive));
}

// --- zset ------------------------------------------------------------------

zset::zset(const zset_limits& limits, size_t first_member_len) {
  if (limits.max_listpack_entries == 0 || first_member_len > limits.max_listpack_value)
    big_ = std::make_unique<zskiplist>();
}

zset::zset(bool listpack_encoded) {
  if (!listpack_encoded)
    big_ = std::make_unique<zskiplist>();
}

zset::~zset() = default;

size_t zset::size() const { return big_ ? big_->size() : small_.size() / 2; }

size_t zset::bytes() const { return big_ ? big_->bytes() + sizeof(zskiplist) : small_.bytes(); }

std::optional<double> zset::score(std::string_view member) const {
  if (big_) {
    if (auto* n = big_->find(member))
      return zskiplist::score(n);
    return std::nullopt;
  }
  lp_pos p = small_.find(member, small_.first(), 1);
  if (p == small_.end())
    return std::nullopt;
  return lp_score(small_, p);
}

bool zset::insert(std::string_view member, double score, const zset_limits& limits) {
  if (big_) {
    if (auto* n = big_->find(member)) {
      if (zskiplist::score(n) != score)
        big_->update_score(n, score);
      return false;
    }
    big_->insert(member, score);
    return true;
  }
  lp_pos p = small_.find(member, small_.first(), 1);
  if (p != small_.end()) {
    if (lp_score(small_, p) != score) {
      small_.erase(p, 2);
      lp_insert(small_, member, score);
    }
    return false;
  }
  if (size() + 1 > limits.max_listpack_entries || member.size() > limits.max_listpack_value) {
    to_skiplist();
    big_->insert(member, score);
    return true;
  }
  lp_insert(small_, member, score);
  return true;
}

bool zset::erase(std::string_view member) {
  if (big_) {
    auto* n = big_->find(member);
    if (n == nullptr)
      return false;
    big_->erase(n);
    return true;
  }
  lp_pos p = small_.find(member, small_.first(), 1);
  if (p == small_.end())
    return false;
  small_.erase(p, 2);
  return true;
}

std::optional<size_t> zset::rank(std::string_view member) const {
  if (big_) {
    auto* n = big_->find(member);
    if (n == nullptr)
      return std::nullopt;
    return big_->rank_of(n);
  }
  size_t r = 0;
  for (lp_pos p = small_.first(); p != small_.end(); p = small_.next(small_.next(p)), ++r)
    if (small_.get(p) == member)
      return r;
  return std::nullopt;
}

// --- cursors ---------------------------------------------------------------

std::string_view zset::cursor::member() const {
  return set_->big_ ? zskiplist::member(node_) : set_->small_.get(pos_);
}

double zset::cursor::score() const {
  return set_->big_ ? zskiplist::score(node_) : lp_score(set_->small_, pos_);
}

void zset::cursor::next() {
  ++rank_;
  if (set_->big_) {
    node_ = zskiplist::next(node_);
    valid_ = node_ != nullptr;
  } else {
    pos_ = set_->small_.next(set_->small_.next(pos_));
    valid_ = pos_ != set_->small_.end();
  }
}

void zset::cursor::prev() {
  --rank_;
  if (set_->big_) {
    node_ = zskiplist::prev(node_);
    valid_ = node_ != nullptr;
  } else {
    valid_ = pos_ != set_->small_.first();
    if (valid_)
      pos_ = set_->small_.prev(set_->small_.prev(pos_));
  }
}

zset::cursor zset::at_rank(size_t rank) const {
  cursor c;
  c.set_ = this;
  c.rank_ = rank;
  if (rank >= size())
    return c;
  c.valid_ = true;
  if (big_)
    c.node_ = big_->at_rank(rank);
  else
    c.pos_ = small_.at(static_cast<long long>(rank * 2));
  return c;
}

namespace {

/// The listpack searches walk from the head, as Redis's zzlFirstInRange /
/// zzlLastInRange do (the lex ones also assume one score for all members).
template <class Range, class Key>
zset::cursor lp_first(const zset& z, const Range& r, Key key) {
  if (r.empty())
    return {};
  for (zset::cursor c = z.at_rank(0); c.valid(); c.next()) {
    if (r.above_min(key(c)))
      return r.below_max(key(c)) ? c : zset::cursor{};
  }
  return {};
}

template <class Range, class Key>
zset::cursor lp_last(const zset& z, const Range& r, Key key) {
  if (r.empty() || z.empty())
    return {};
  for (zset::cursor c = z.at_rank(z.size() - 1); c.valid(); c.prev()) {
    if (r.below_max(key(c)))
      return r.above_min(key(c)) ? c : zset::cursor{};
  }
  return {};
}

double score_key(const zset::cursor& c) { return c.score(); }
std::string_view member_key(const zset::cursor& c) { return c.member(); }

} // namespace

template <class Find>
zset::cursor zset::skiplist_cursor(Find find) const {
  cursor c;
  c.set_ = this;
  c.node_ = find(c.rank_);
  c.valid_ = c.node_ != nullptr;
  return c;
}

zset::cursor zset::first_in(const score_range& r) const {
  if (!big_)
    return lp_first(*this, r, score_key);
  return skiplist_cursor([&](size_t& rank) { return big_->first_in(r, rank); });
}

zset::cursor zset::last_in(const score_range& r) const {
  if (!big_)
    return lp_last(*this, r, score_key);
  return skiplist_cursor([&](size_t& rank) { return big_->last_in(r, rank); });
}

zset::cursor zset::first_in(const lex_range& r) const {
  if (!big_)
    return lp_first(*this, r, member_key);
  return skiplist_cursor([&](size_t& rank) { return big_->first_in(r, rank); });
}

zset::cursor zset::last_in(const lex_range& r) const {
  if (!big_)
    return lp_last(*this, r, member_key);
  return skiplist_cursor([&](size_t& rank) { return big_->last_in(r, rank); });
}

size_t zset::count(const score_range& r) const {
  cursor first = first_in(r);
  if (!first.valid())
    return 0;
  if (big_)
    return last_in(r).rank() - first.rank() + 1;
  size_t n = 0;
  for (cursor c = first; c.valid() && r.below_max(c.score()); c.next())
    ++n;
  return n;
}

size_t zset::count(const lex_range& r) const {
  cursor first = first_in(r);
  if (!first.valid())
    return 0;
  if (big_)
    return last_in(r).rank() - first.rank() + 1;
  size_t n = 0;
  for (cursor c = first; c.valid() && r.below_max(c.member()); c.next())
    ++n;
  return n;
}

void zset::erase_ranks(size_t start, size_t end) {
  if (!big_) {
    small_.erase(small_.at(static_cast<long long>(start * 2)), (end - start + 1) * 2);
    return;
  }
  zskiplist::node* n = big_->at_rank(start);
  for (size_t i = start; i <= end && n != nullptr; ++i) {
    zskiplist::node* next = zskiplist::next(n);
    big_->erase(n);
    n = next;
  }
}

void zset::to_skiplist() {
  if (big_)
    return;
  auto big = std::make_unique<zskiplist>();
  for (lp_pos p = small_.first(); p != small_.end(); p = small_.next(small_.next(p)))
    big->insert(small_.get(p), lp_score(small_, p));
  big_ = std::move(big);
  small_ = listpack();
}

void zset::to_listpack_if_fits(const zset_limits& limits, size_t max_member_len) {
  if (!big_ || big_->size() > limits.max_listpack_entries ||
      max_member_len > limits.max_listpack_value)
    return;
  listpack lp;
  for (auto* n = big_->first(); n != nullptr; n = zskiplist::next(n)) {
    lp.push_back(zskiplist::member(n));
    lp.push_back(packed_score(zskiplist::score(n)).view());
  }
  small_ = std::move(lp);
  big_.reset();
}

std::unique_ptr<zset> zset::clone() const {
  auto copy = std::make_unique<zset>(!big_);
  if (!big_) {
    copy->small_ = small_.clone();
    return copy;
  }
  for (auto* n = big_->first(); n != nullptr; n = zskiplist::next(n))
    copy->big_->insert(zskiplist::member(n), zskiplist::score(n));
  return copy;
}

// --- traits ----------------------------------------------------------------

namespace {

obj_encoding zset_encoding(const value& v) {
  return as_zset(v).is_listpack() ? obj_encoding::listpack : obj_encoding::skiplist;
}

/// Redis's xorObjectDigest for sorted sets: per member mix(member) then
/// mix("%.17g" score), and that element digest xor-ed in (order-free).
void zset_digest(const value& v, unsigned char d[digest_size]) {
  const zset& z = as_zset(v);
  for (auto c = z.at_rank(0); c.valid(); c.next()) {
    unsigned char element[digest_size] = {};
    mix_digest(element, c.member());
    mix_digest(element, digest_score(c.score()));
    xor_digest(d, element, digest_size);
  }
}

size_t zset_memory(const value& v) {
  return sizeof(value) + sizeof(zset) + as_zset(v).bytes();
}

value zset_copy(const value& v) { return value::from_collection(as_zset(v).clone()); }

} // namespace

const value_traits zset::traits{
    .type = obj_type::zset,
    .name = "zset",
    .encoding = &zset_encoding,
    .digest = &zset_digest,
    .memory_usage = &zset_memory,
    .copy = &zset_copy,
    .destroy = &delete_collection<zset>,
};

} // namespace actis::datatypes
