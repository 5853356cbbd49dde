"""Python's fnmatch as an oracle: reads [[name, pattern], ...] as JSON on stdin
and prints [fnmatch.fnmatchcase(name, pattern), ...] as JSON."""
import fnmatch
import json
import sys
import warnings

# Sets such as "[[:" make the re module warn about future nested sets; the
# meaning today is what we compare against.
warnings.simplefilter("ignore")

pairs = json.loads(sys.stdin.buffer.read())
json.dump([fnmatch.fnmatchcase(name, pattern) for name, pattern in pairs], sys.stdout)
