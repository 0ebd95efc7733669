"""`make bench`: every benchmark in turn; each prints its own figures."""

from bench import ranking, search_quality, speakers

for benchmark in (search_quality, ranking, speakers):
    benchmark.main()
    print()
