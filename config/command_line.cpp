// redis-server style command line: [config-file] [--directive args...] [-].
// Flags become config lines appended after the file (and stdin), so they
// override it and report errors with the same line numbers Redis shows.
#include <unistd.h>

#include <iostream>
#include <iterator>
#include <string>

#include "config/config.hpp"
#include "config/syntax.hpp"
#include "datatypes/strutil.hpp"

namespace actis::config {

namespace {

void print_version() {
  std::cout << "actis server v=" << server_version << " sha=00000000:0 malloc=libc bits="
            << sizeof(void*) * 8 << " build=0000000000000000" << std::endl;
}

void print_usage() {
  std::cerr << "Usage: ./actis-server [/path/to/redis.conf] [options] [-]\n"
               "       ./actis-server - (read config from stdin)\n"
               "       ./actis-server -v or --version\n"
               "       ./actis-server -h or --help\n"
               "\n"
               "Examples:\n"
               "       ./actis-server (run the server with default conf)\n"
               "       echo 'maxmemory 128mb' | ./actis-server -\n"
               "       ./actis-server /etc/redis/6379.conf\n"
               "       ./actis-server --port 7777\n"
               "       ./actis-server --port 7777 --replicaof 127.0.0.1 8888\n"
               "       ./actis-server /etc/myredis.conf --loglevel verbose -\n"
               "       ./actis-server /etc/myredis.conf --loglevel verbose\n"
               "       ./actis-server --threads 4 (actis: number of event loops)" << std::endl;
}

/// The path made absolute against the working directory, leading "./" and
/// "../" resolved as Redis's getAbsolutePath does.
std::string absolute_path(std::string path) {
  if (!path.empty() && path[0] == '/')
    return path;
  char buf[4096];
  std::string cwd = getcwd(buf, sizeof buf) ? buf : "";
  if (!cwd.empty() && cwd.back() == '/')
    cwd.pop_back();
  while (true) {
    if (path.rfind("./", 0) == 0) {
      path.erase(0, 2);
    } else if (path.rfind("../", 0) == 0) {
      path.erase(0, 3);
      size_t slash = cwd.rfind('/');
      cwd = slash == std::string::npos ? "" : cwd.substr(0, slash);
    } else {
      break;
    }
  }
  return cwd + "/" + path;
}

bool starts_with_dashes(const char* arg) {
  return arg[0] == '-' && arg[1] == '-';
}

} // namespace

bool parse_command_line(int argc, char** argv, std::string& error, bool& exit_now) {
  exit_now = false;
  error.clear();
  int j = 1;
  std::string config_file;
  if (argc >= 2) {
    std::string_view first = argv[1];
    if (first == "-v" || first == "--version") {
      print_version();
      exit_now = true;
      return true;
    }
    if (first == "--help" || first == "-h") {
      print_usage();
      exit_now = true;
      return true;
    }
    if (first == "--test-memory" || first == "--check-system") {
      error = std::string(first) + " is not supported by actis";
      return false;
    }
    if (first[0] != '-') {
      config_file = absolute_path(argv[1]);
      j = 2;
    }
  }
  for (int k = 1; k < argc; ++k) {
    if (std::string_view(argv[k]) == "--sentinel") {
      error = "Sentinel mode is not supported by actis";
      return false;
    }
  }

  // Each --name starts a new config line; the values that follow are quoted
  // so that they read back verbatim. A flag's first value may itself start
  // with "--" (e.g. --requirepass --secret); "--save" directly followed by
  // another flag means save "".
  std::string options;
  bool from_stdin = false;
  bool last_flag_has_value = true;
  for (; j < argc; ++j) {
    const char* arg = argv[j];
    if (arg[0] == '-' && arg[1] == '\0' && (j == 1 || j == argc - 1)) {
      from_stdin = true;
    } else if (last_flag_has_value && starts_with_dashes(arg)) {
      if (!options.empty())
        options += "\n";
      options += arg + 2;
      options += " ";
      std::vector<std::string> words;
      bool bare_name = detail::split_args(arg, words) && words.size() == 1;
      last_flag_has_value = !bare_name;
      if (bare_name && datatypes::iequals(arg, "--save") &&
          (j == argc - 1 || starts_with_dashes(argv[j + 1]))) {
        options += "\"\"";
        last_flag_has_value = true;
      }
    } else {
      options += detail::quote_arg(arg);
      options += " ";
      last_flag_has_value = true;
    }
  }

  std::string text;
  if (!config_file.empty()) {
    if (!detail::read_config_source(config_file, text, error))
      return false;
  }
  if (from_stdin)
    text.append(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  text += "\n";
  text += options;
  registry::instance().set_config_file(config_file);
  return registry::instance().load_text(text, error);
}

} // namespace actis::config
