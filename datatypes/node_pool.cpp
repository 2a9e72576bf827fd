#include "datatypes/node_pool.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace actis::datatypes {

namespace {

// Chunks start small so the many empty databases stay cheap and double up
// to a size where the per-chunk overhead is negligible. Sizes leave room for
// malloc's own header so chunks fill whole pages.
constexpr size_t first_chunk_bytes = 1024;
constexpr size_t max_chunk_bytes = 256 * 1024;
constexpr size_t malloc_overhead = 16;

} // namespace

node_pool::node_pool(size_t node_size)
    : node_size_((node_size + 7) & ~size_t{7}), next_chunk_bytes_(first_chunk_bytes) {}

node_pool::~node_pool() {
  reset();
}

void* node_pool::allocate() {
  if (free_list_) {
    void* node = free_list_;
    std::memcpy(&free_list_, node, sizeof(void*));
    return node;
  }
  if (!bump_ || static_cast<size_t>(bump_end_ - bump_) < node_size_)
    add_chunk();
  void* node = bump_;
  bump_ += node_size_;
  return node;
}

void node_pool::release(void* node) {
  std::memcpy(node, &free_list_, sizeof(void*));
  free_list_ = node;
}

void node_pool::reset() {
  for (void* chunk : chunks_)
    std::free(chunk);
  chunks_.clear();
  chunks_.shrink_to_fit();
  free_list_ = nullptr;
  bump_ = bump_end_ = nullptr;
  next_chunk_bytes_ = first_chunk_bytes;
  chunk_bytes_ = 0;
}

void node_pool::add_chunk() {
  size_t bytes = next_chunk_bytes_ - malloc_overhead;
  if (bytes < node_size_)
    bytes = node_size_;
  chunks_.push_back(nullptr);
  void* chunk = std::malloc(bytes);
  if (!chunk) {
    chunks_.pop_back();
    throw std::bad_alloc();
  }
  chunks_.back() = chunk;
  chunk_bytes_ += bytes;
  bump_ = static_cast<char*>(chunk);
  bump_end_ = bump_ + bytes;
  if (next_chunk_bytes_ < max_chunk_bytes)
    next_chunk_bytes_ *= 2;
}

} // namespace actis::datatypes
