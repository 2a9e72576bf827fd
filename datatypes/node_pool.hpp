// Fixed-size node allocator: carves nodes out of large chunks and recycles
// freed ones through a free list, so a node costs its size and nothing more
// (no per-allocation malloc header or size-class rounding). Plain C++.
#pragma once

#include <cstddef>
#include <vector>

namespace actis::datatypes {

class node_pool {
public:
  /// `node_size` >= sizeof(void*); nodes are aligned to 8 bytes.
  explicit node_pool(size_t node_size);
  ~node_pool();
  node_pool(const node_pool&) = delete;
  node_pool& operator=(const node_pool&) = delete;

  /// Uninitialized storage for one node. Throws std::bad_alloc.
  void* allocate();
  /// Returns a node from this pool for reuse.
  void release(void* node);
  /// Frees every chunk at once; all nodes from this pool become invalid.
  void reset();
  /// Bytes held in chunks (used and free).
  size_t bytes() const { return chunk_bytes_; }

private:
  void add_chunk();

  size_t node_size_;
  std::vector<void*> chunks_;
  void* free_list_ = nullptr;
  char* bump_ = nullptr;
  char* bump_end_ = nullptr;
  size_t next_chunk_bytes_;
  size_t chunk_bytes_ = 0;
};

} // namespace actis::datatypes
