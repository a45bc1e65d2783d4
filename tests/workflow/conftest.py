import sys
from pathlib import Path

# workflow_fakes.py is imported by name, here and in subprocesses of the kill test.
sys.path.insert(0, str(Path(__file__).resolve().parent))
