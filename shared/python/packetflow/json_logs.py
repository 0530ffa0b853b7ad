"""
Log lines as every PacketFlow service writes them (pino's JSON: `level` as a word, ISO `time`, `service`, `node`,
`msg`, then the record's fields), so the launcher reads a Python service's lines like a TypeScript one's: info and
below on stdout, warnings and errors on stderr.
"""

import json
import logging
import sys
from datetime import datetime, timezone

LEVELS = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error"}


class JsonLines(logging.Handler):
    def __init__(self, service, node):
        super().__init__()
        self._base = {"service": service, "node": node}

    def emit(self, record):
        try:
            line = {
                "level": LEVELS.get(record.levelno, record.levelname.lower()),
                "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                **self._base,
                "logger": record.name,
                "msg": record.getMessage(),
                **getattr(record, "fields", {}),
            }
            if record.exc_info:
                line["error"] = self.formatException(record.exc_info)
            stream = sys.stderr if record.levelno >= logging.WARNING else sys.stdout
            stream.write(json.dumps(line, default=str) + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


def log_json_lines(service, node, level="INFO"):
    """Sends every log record of this process to JSON lines; `level` as LOG_LEVEL gives it (`info`, `debug`, …)."""
    root = logging.getLogger()
    root.handlers[:] = [JsonLines(service, node)]
    name = {"WARN": "WARNING", "TRACE": "DEBUG", "FATAL": "CRITICAL", "SILENT": "CRITICAL"}.get(level.upper())
    name = name or level.upper()
    root.setLevel(name if name in logging.getLevelNamesMapping() else "INFO")
