#include "persistence/aof_format.hpp"

#include <algorithm>
#include <cstring>
#include <strings.h>

namespace actis::persistence {

void append_resp_array(std::string& out, size_t n) {
  out += '*';
  out += std::to_string(n);
  out += "\r\n";
}

void append_resp_bulk(std::string& out, std::string_view arg) {
  out += '$';
  out += std::to_string(arg.size());
  out += "\r\n";
  out += arg;
  out += "\r\n";
}

void append_resp_command(std::string& out, const aof_argv& argv) {
  append_resp_array(out, argv.size());
  for (auto& a : argv)
    append_resp_bulk(out, a);
}

void append_timestamp_annotation(std::string& out, int64_t unix_seconds) {
  out += "#TS:";
  out += std::to_string(unix_seconds);
  out += "\r\n";
}

void aof_encoder::append(std::string& out, int db, const aof_argv& argv, int64_t unix_seconds) {
  if (timestamps_ && unix_seconds > last_timestamp_) {
    append_timestamp_annotation(out, unix_seconds);
    last_timestamp_ = unix_seconds;
  }
  if (db != selected_db_) {
    append_resp_command(out, {"SELECT", std::to_string(db)});
    selected_db_ = db;
  }
  append_resp_command(out, argv);
}

std::string aof_unknown_command_error(std::string_view command, std::string_view file) {
  return "Unknown command '" + std::string(command) + "' reading the append only file " +
         std::string(file);
}

namespace {

/// Redis reads lines with fgets into a buffer this large: a line comes back
/// in pieces of at most this many bytes minus one.
constexpr size_t line_buffer = 1024;
/// Arguments are read in steps of this size, so a corrupt length claiming
/// terabytes costs only what the file really holds.
constexpr size_t read_step = 1 << 16;

/// A buffered view of a byte_source that knows its offset in the file.
class input {
public:
  explicit input(byte_source& src) : src_(src) {}

  uint64_t offset() const { return base_ + pos_; }
  bool failed() const { return !src_.error().empty(); }
  const std::string& failure() const { return src_.error(); }

  /// fgets: up to a newline (kept) or line_buffer - 1 bytes. Empty at the
  /// end of input.
  std::string_view line() {
    for (;;) {
      std::string_view avail(buf_.data() + pos_, buf_.size() - pos_);
      auto nl = avail.find('\n');
      size_t cap = line_buffer - 1;
      if (nl != std::string_view::npos && nl < cap)
        return take(nl + 1);
      if (avail.size() >= cap)
        return take(cap);
      if (!fill())
        return take(avail.size());
    }
  }

  /// Appends exactly `n` bytes to `out`; false at a short read (what was
  /// there is appended).
  bool exact(size_t n, std::string& out) {
    while (n > 0) {
      if (pos_ == buf_.size() && !fill())
        return false;
      size_t take_n = std::min(n, buf_.size() - pos_);
      out.append(buf_, pos_, take_n);
      pos_ += take_n;
      n -= take_n;
    }
    return true;
  }

  /// The stream from the current position, for the RDB loader; afterwards
  /// `unread` (what it read too far) is read again.
  class handoff final : public byte_source {
  public:
    explicit handoff(input& in) : in_(in) {}
    size_t read(char* dst, size_t n) override {
      size_t got = 0;
      if (in_.pos_ < in_.buf_.size()) {
        got = std::min(n, in_.buf_.size() - in_.pos_);
        std::memcpy(dst, in_.buf_.data() + in_.pos_, got);
        in_.pos_ += got;
      } else {
        got = in_.src_.read(dst, n);
        error_ = in_.src_.error();
        in_.base_ += got;
      }
      return got;
    }

  private:
    input& in_;
  };

  void push_back(std::string unread) {
    // Everything before pos_ was consumed; the buffer restarts with `unread`.
    base_ += pos_;
    base_ -= unread.size();
    buf_.erase(0, pos_);
    buf_.insert(0, unread);
    pos_ = 0;
  }

private:
  friend class handoff;

  std::string_view take(size_t n) {
    std::string_view s(buf_.data() + pos_, n);
    pos_ += n;
    return s;
  }

  bool fill() {
    if (pos_ > 0 && pos_ == buf_.size()) {
      base_ += pos_;
      buf_.clear();
      pos_ = 0;
    } else if (pos_ > read_step) {
      base_ += pos_;
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    size_t old = buf_.size();
    buf_.resize(old + read_step);
    size_t got = src_.read(buf_.data() + old, read_step);
    buf_.resize(old + got);
    return got > 0;
  }

  byte_source& src_;
  std::string buf_;
  size_t pos_ = 0;
  /// File offset of buf_[0].
  uint64_t base_ = 0;
};

/// A "*<n>\r\n" or "$<n>\r\n" header's number: digits then CRLF, nothing
/// else (Redis's atoi/strtol are laxer; a bit flip there is corruption).
bool header_number(std::string_view line, long long& out) {
  if (line.size() < 4 || line.substr(line.size() - 2) != "\r\n")
    return false;
  std::string_view digits = line.substr(1, line.size() - 3);
  if (digits.empty() || digits.size() > 18)
    return false;
  out = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

bool is_command(const aof_argv& argv, const char* name) {
  return argv.size() == 1 && strcasecmp(argv[0].c_str(), name) == 0;
}

class file_reader {
public:
  file_reader(byte_source& src, const aof_read_callbacks& cb, const aof_read_options& opt)
      : in_(src), cb_(cb), opt_(opt) {}

  aof_read_result run() {
    if (!read_preamble())
      return finish();
    for (;;) {
      uint64_t start = in_.offset();
      aof_argv argv;
      switch (read_command(argv)) {
        case step::command:
          if (!apply(std::move(argv)))
            return finish();
          res_.valid_length = in_.offset();
          break;
        case step::end:
          if (in_multi_) {
            res_.log.push_back(
                {true, "Revert incomplete MULTI/EXEC transaction in AOF file " + opt_.name});
            return torn();
          }
          if (in_.offset() == 0)
            res_.status = aof_read_status::empty;
          return finish();
        case step::torn:
          return torn();
        case step::bad_format:
          fail("Bad file format reading the append only file " + opt_.name +
                          ": make a backup of your AOF file, then use ./redis-check-aof "
                          "--fix <filename.manifest>",
                      start);
          return finish();
        case step::read_error:
          fail("Unrecoverable error reading the append only file " + opt_.name + ": " +
                          in_.failure(),
                      start);
          return finish();
      }
    }
  }

private:
  enum class step { command, end, torn, bad_format, read_error };

  bool read_preamble() {
    std::string sig;
    if (!in_.exact(5, sig) || sig != "REDIS") {
      in_.push_back(std::move(sig));
      return true;
    }
    in_.push_back(std::move(sig));
    res_.rdb_preamble = true;
    res_.log.push_back({false, "Reading RDB base file on AOF loading..."});
    std::string err = "no RDB loader";
    std::string unread;
    if (cb_.on_rdb) {
      input::handoff src(in_);
      err = cb_.on_rdb(src, unread);
    }
    if (!err.empty()) {
      fail(opt_.old_style ? "Error reading the RDB preamble of the AOF file " + opt_.name +
                                ", AOF loading aborted"
                          : "Error reading the RDB base file " + opt_.name +
                                ", AOF loading aborted",
           0);
      res_.log.push_back({true, err});
      return false;
    }
    in_.push_back(std::move(unread));
    res_.valid_length = valid_before_multi_ = in_.offset();
    if (opt_.old_style)
      res_.log.push_back({false, "Reading the remaining AOF tail..."});
    return true;
  }

  /// One line ending in a number: "*3\r\n", "$5\r\n".
  step header(char kind, long long& n) {
    std::string_view line = in_.line();
    if (line.empty())
      return in_.failed() ? step::read_error : step::end;
    if (line[0] != kind)
      return step::bad_format;
    if (line.back() != '\n')
      return unterminated(line);
    return header_number(line, n) ? step::command : step::bad_format;
  }

  /// A line without its newline: the end of the file came first (torn), or
  /// it is longer than any header (corrupt).
  step unterminated(std::string_view line) const {
    if (in_.failed())
      return step::read_error;
    return line.size() < line_buffer - 1 ? step::torn : step::bad_format;
  }

  step read_command(aof_argv& argv) {
    long long argc = 0;
    for (;;) {
      std::string_view peek = in_.line();
      if (peek.empty())
        return in_.failed() ? step::read_error : step::end;
      if (peek[0] == '#') {
        // An annotation (#TS:...): skip the rest of a long one too.
        while (peek.back() != '\n' && !(peek = in_.line()).empty()) {
        }
        continue;
      }
      if (peek[0] != '*')
        return step::bad_format;
      if (peek.back() != '\n')
        return unterminated(peek);
      if (!header_number(peek, argc) || argc < 1)
        return step::bad_format;
      break;
    }
    argv.reserve(static_cast<size_t>(std::min(argc, 64ll)));
    for (long long j = 0; j < argc; ++j) {
      long long len = 0;
      step s = header('$', len);
      if (s != step::command)
        return s == step::end ? step::torn : s;
      std::string arg;
      // Reserve no more than a step: a corrupt length must not allocate
      // more than the file holds.
      arg.reserve(std::min(static_cast<size_t>(len), read_step));
      if (!in_.exact(static_cast<size_t>(len), arg))
        return in_.failed() ? step::read_error : step::torn;
      std::string crlf;
      if (!in_.exact(2, crlf))
        return in_.failed() ? step::read_error : step::torn;
      if (crlf != "\r\n")
        return step::bad_format;
      argv.push_back(std::move(arg));
    }
    return step::command;
  }

  bool deliver(const aof_argv& argv) {
    ++res_.commands;
    if (!cb_.on_command)
      return true;
    std::string err = cb_.on_command(argv);
    if (err.empty())
      return true;
    fail(err, command_start_);
    return false;
  }

  /// Runs a command, or queues it while a MULTI is open.
  bool apply(aof_argv argv) {
    if (!in_multi_) {
      command_start_ = res_.valid_length;
      if (is_command(argv, "MULTI")) {
        in_multi_ = true;
        valid_before_multi_ = res_.valid_length;
        queued_.push_back(std::move(argv));
        return true;
      }
      return deliver(argv);
    }
    bool exec = is_command(argv, "EXEC");
    if (is_command(argv, "DISCARD")) {
      queued_.clear();
      in_multi_ = false;
      return true;
    }
    if (is_command(argv, "MULTI"))
      return true; // Redis answers a nested MULTI with an error and goes on
    queued_.push_back(std::move(argv));
    if (!exec)
      return true;
    in_multi_ = false;
    command_start_ = valid_before_multi_;
    for (auto& q : queued_)
      if (!deliver(q))
        return false;
    queued_.clear();
    return true;
  }

  /// A torn tail: the file is good up to the last complete command outside
  /// a transaction.
  aof_read_result torn() {
    if (in_multi_)
      res_.valid_length = valid_before_multi_;
    if (opt_.load_truncated) {
      res_.status = aof_read_status::truncated;
      res_.log.push_back(
          {true, "!!! Warning: short read while loading the AOF file " + opt_.name + "!!!"});
      res_.log.push_back({true, "!!! Truncating the AOF " + opt_.name + " at offset " +
                                    std::to_string(res_.valid_length) + " !!!"});
      return finish();
    }
    fail("Unexpected end of file reading the append only file " + opt_.name +
                    ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof "
                    "--fix <filename.manifest>. 2) Alternatively you can set the "
                    "'aof-load-truncated' configuration option to yes and restart the server.",
                res_.valid_length);
    return finish();
  }

  void fail(std::string err, uint64_t offset) {
    res_.status = aof_read_status::failed;
    res_.error = std::move(err);
    res_.error_offset = offset;
    res_.log.push_back({true, res_.error});
  }

  aof_read_result finish() { return std::move(res_); }

  input in_;
  const aof_read_callbacks& cb_;
  const aof_read_options& opt_;
  aof_read_result res_;
  bool in_multi_ = false;
  uint64_t valid_before_multi_ = 0;
  uint64_t command_start_ = 0;
  std::vector<aof_argv> queued_;
};

} // namespace

aof_read_result read_aof(byte_source& src, const aof_read_callbacks& cb,
                         const aof_read_options& opt) {
  return file_reader(src, cb, opt).run();
}

} // namespace actis::persistence
