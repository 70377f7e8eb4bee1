// A C++ program built with g++ -O2 whose allocating function is inlined into main, so the
// symbolizer's inline chain must be expanded for the site to be buildIndex, not main.
// buildIndex holds exactly 3 145 968 B at the peak in 4 allocations: the 3 MiB buffer, the
// 24 B vector object, the map's 88 B node and 4 reserved 32 B strings (libstdc++, x86_64).
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace corpus {
using Index = std::map<std::string, std::vector<std::string>>;

static std::vector<char> *kept;

// Always inlined (as -O2 does with small functions); external linkage keeps its full C++ name.
__attribute__((always_inline)) inline void buildIndex(Index &index, std::size_t bytes) {
    kept = new std::vector<char>(bytes);  // the 3 MiB site
    index["k"].reserve(4);
}
}  // namespace corpus

int main() {
    corpus::Index index;
    corpus::buildIndex(index, 3 << 20);
    std::printf("held %zu bytes in %zu keys\n", corpus::kept->size(), index.size());
    return 0;
}
