import logging
import os
import sys

from .cli import main

code = main()
# The reports are written and the packs stopped: leave without tearing the interpreter down, which
# frees the provider SDK's classes one object at a time (most of a second of every run).
logging.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
