import logging
import os
import sys

from .cli import main
from .pack_process import allow_forking

# This process has made no gRPC object yet and starts each stack's packs before its first.
allow_forking()
code = main()
# The reports are written and the packs stopped: leave without tearing the interpreter down, which
# frees the provider SDK's classes one object at a time (most of a second of every run).
logging.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
