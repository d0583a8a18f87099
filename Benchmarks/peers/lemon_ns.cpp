// LEMON NetworkSimplex peer for Benchmarks/clearing.sh (not part of the product).
// Reads the five integer LPs exported by `gridclear bench clearing --export` (format in
// README.md) and solves each one cold, timing run() only.
#include <lemon/smart_graph.h>
#include <lemon/network_simplex.h>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>
#include <sys/resource.h>
#include <time.h>

using namespace lemon;
typedef int64_t i64;

static FILE *in;
static i64 rd() {
  unsigned char b[8];
  if (fread(b, 1, 8, in) != 8) { fprintf(stderr, "lemon_ns: short read\n"); exit(2); }
  uint64_t v = 0;
  for (int k = 0; k < 8; ++k) v = (v << 8) | b[k];
  return (i64)v;
}

static double cpuNow() {
  struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void print128(__int128 v) {
  char buf[64]; int p = 63; buf[p] = 0; bool neg = v < 0; if (neg) v = -v;
  do { buf[--p] = '0' + (int)(v % 10); v /= 10; } while (v);
  if (neg) buf[--p] = '-';
  fputs(buf + p, stdout);
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: lemon_ns FILE\n"); return 2; }
  in = fopen(argv[1], "rb");
  if (!in) { perror(argv[1]); return 2; }
  char magic[8];
  if (fread(magic, 1, 8, in) != 8 || memcmp(magic, "GCLP0001", 8)) { fprintf(stderr, "lemon_ns: bad magic\n"); return 2; }
  i64 m = rd(), n = rd(), G = rd();
  std::vector<i64> PE(m), SE(n);
  for (auto &x : PE) x = rd();
  for (auto &x : SE) x = rd();
  i64 lps = rd();
  i64 sumPE = 0, sumSE = 0;
  for (auto x : PE) sumPE += x;
  for (auto x : SE) sumSE += x;

  SmartDigraph g;
  g.reserveNode(n + m + 2);
  g.reserveArc(m * n + m + n + 1);
  std::vector<SmartDigraph::Node> nodes;
  for (i64 v = 0; v < n + m + 2; ++v) nodes.push_back(g.addNode());
  SmartDigraph::NodeMap<i64> supply(g);
  for (i64 j = 0; j < n; ++j) supply[nodes[j]] = SE[j];
  supply[nodes[n]] = G;
  for (i64 i = 0; i < m; ++i) supply[nodes[n + 1 + i]] = -PE[i];
  supply[nodes[n + m + 1]] = -(sumSE + G - sumPE);
  SmartDigraph::ArcMap<i64> cap(g), cost(g);
  std::vector<SmartDigraph::Arc> pair;
  pair.reserve(m * n);
  for (i64 i = 0; i < m; ++i)
    for (i64 j = 0; j < n; ++j) {
      SmartDigraph::Arc a = g.addArc(nodes[j], nodes[n + 1 + i]);
      cap[a] = std::min(PE[i], SE[j]); cost[a] = 0; pair.push_back(a);
    }
  for (i64 i = 0; i < m; ++i) { auto a = g.addArc(nodes[n], nodes[n + 1 + i]); cap[a] = std::min(PE[i], G); cost[a] = 0; }
  for (i64 j = 0; j < n; ++j) { auto a = g.addArc(nodes[j], nodes[n + m + 1]); cap[a] = SE[j]; cost[a] = 0; }
  { auto a = g.addArc(nodes[n], nodes[n + m + 1]); cap[a] = G; cost[a] = 0; }

  for (i64 lp = 1; lp <= lps; ++lp) {
    for (i64 k = 0; k < m * n; ++k) cost[pair[k]] = rd();
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpuNow();
    NetworkSimplex<SmartDigraph, i64, i64> ns(g);   // cold: a fresh solver per LP
    ns.upperMap(cap).costMap(cost).supplyMap(supply);
    auto status = ns.run();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cpu = cpuNow() - c0;
    if (status != NetworkSimplex<SmartDigraph, i64, i64>::OPTIMAL) { fprintf(stderr, "lemon_ns: LP %lld not optimal\n", (long long)lp); return 1; }
    __int128 obj = 0;
    for (i64 k = 0; k < m * n; ++k) { i64 f = ns.flow(pair[k]); if (f) obj += (__int128)f * cost[pair[k]]; }
    printf("lp=%lld seconds=%.6f cpu_seconds=%.6f objective=", (long long)lp, secs, cpu);
    print128(obj);
    printf("\n");
    fflush(stdout);
  }
  struct rusage ru; getrusage(RUSAGE_SELF, &ru);
  printf("peak_rss_kb=%ld\n", ru.ru_maxrss);
  return 0;
}
