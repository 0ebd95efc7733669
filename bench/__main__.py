"""`make bench`: every benchmark in turn; each prints its own figures."""

from bench import asr_search, keywords, ranking, scale, search_quality, speakers

# scale last: it takes most of the time (1x and 100x corpora, ingest, latency, load)
for benchmark in (search_quality, ranking, asr_search, speakers, keywords, scale):
    benchmark.main()
    print()
