"""``make bench``: the portal's speed and recall at scale, side by side with what a user could pick.

``corpus`` builds the benchmark corpus from the seeds and the national corpus, ``queries`` reads
the fixed query set and computes the substring truth, ``peers`` holds the alternatives (the
stock jieba recipe, SQLite FTS5 trigram, a plain scan, Xapian), ``instance`` drives a separate
portal instance (import, rebuild, server) and ``report`` prints the table and writes JSON.
"""
