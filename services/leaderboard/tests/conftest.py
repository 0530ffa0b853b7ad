import os
import sys

HERE = os.path.dirname(__file__)
# Run from the source tree: this service and the packetflow package beside it, and packetflow's test helpers.
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "python", "tests"))
