import os
import sys

# Run from the source tree: the package is never installed.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
