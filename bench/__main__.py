"""`make bench`: every benchmark in turn; each prints its own figures."""

from bench import asr_search, ranking, search_quality, speakers

for benchmark in (search_quality, ranking, asr_search, speakers):
    benchmark.main()
    print()
