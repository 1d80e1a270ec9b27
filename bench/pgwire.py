"""Minimal PostgreSQL client for the benchmarks: frontend/backend protocol 3.0,
simple query protocol, trust authentication only.

The lag and apply measurements need to timestamp single statements to the
microsecond and to poll from several processes at once; psycopg is not
installed and psql in a pipe buffers its output, so the harness speaks the
protocol itself.  Only what the benchmarks use is implemented: connect, run a
query, return its rows as text.

A server is named by a "spec" string HOST:PORT/DBNAME, where HOST is either a
Unix socket directory (starts with "/") or an IP address.
"""

import socket
import struct


class PgError(Exception):
    """An ErrorResponse from the server (the connection stays usable)."""


def parse_spec(spec):
    """HOST:PORT/DBNAME -> (host, port, dbname)."""
    cut = spec.rindex("/")
    hostport, dbname = spec[:cut], spec[cut + 1:]
    host, port = hostport.rsplit(":", 1)
    return host, int(port), dbname


class Conn:
    """One connection; query() is synchronous and returns a list of rows."""

    def __init__(self, spec, user="postgres", application_name="gt-bench"):
        host, port, dbname = parse_spec(spec)
        if host.startswith("/"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect("%s/.s.PGSQL.%d" % (host, port))
        else:
            sock = socket.create_connection((host, port))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self.buf = bytearray()
        params = b""
        for k, v in (("user", user), ("database", dbname),
                     ("application_name", application_name)):
            params += k.encode() + b"\0" + v.encode() + b"\0"
        params += b"\0"
        sock.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
        while True:
            typ, body = self._message()
            if typ == b"R":
                (code,) = struct.unpack_from("!i", body)
                if code != 0:
                    raise PgError("server asks for authentication method %d; "
                                  "the benchmark clusters use trust" % code)
            elif typ == b"E":
                raise PgError(self._error_text(body))
            elif typ == b"Z":
                return

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise PgError("server closed the connection")
        self.buf += chunk

    def _message(self):
        while len(self.buf) < 5:
            self._fill()
        (length,) = struct.unpack_from("!i", self.buf, 1)
        while len(self.buf) < 1 + length:
            self._fill()
        typ = bytes(self.buf[0:1])
        body = bytes(self.buf[5:1 + length])
        del self.buf[:1 + length]
        return typ, body

    @staticmethod
    def _error_text(body):
        fields = {}
        for part in body.split(b"\0"):
            if part:
                fields[part[0:1]] = part[1:].decode(errors="replace")
        return "%s: %s" % (fields.get(b"S", "ERROR"), fields.get(b"M", ""))

    def query(self, sql):
        """Runs sql (one or more statements); returns the rows of the last
        result set as tuples of str/None.  Raises PgError on an error."""
        data = sql.encode() + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!i", 4 + len(data)) + data)
        rows = []
        error = None
        while True:
            typ, body = self._message()
            if typ == b"D":
                (ncols,) = struct.unpack_from("!h", body)
                pos = 2
                row = []
                for _ in range(ncols):
                    (n,) = struct.unpack_from("!i", body, pos)
                    pos += 4
                    if n < 0:
                        row.append(None)
                    else:
                        row.append(body[pos:pos + n].decode())
                        pos += n
                rows.append(tuple(row))
            elif typ == b"T":
                rows = []
            elif typ == b"E":
                error = self._error_text(body)
            elif typ == b"Z":
                if error:
                    raise PgError(error)
                return rows

    def send_query(self, sql):
        """Sends a query without waiting for its result (pipelining: the
        server runs queries of one connection one after another, each in its
        own transaction); collect results with results()."""
        data = sql.encode() + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!i", 4 + len(data)) + data)

    def results(self, timeout):
        """Waits up to timeout seconds for data, then returns the results of
        the sent queries that have completed, in order: a list of row lists."""
        import select
        done = []
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return done
        self._fill()
        rows = getattr(self, "_rows", [])
        while len(self.buf) >= 5:
            (length,) = struct.unpack_from("!i", self.buf, 1)
            if len(self.buf) < 1 + length:
                break
            typ, body = self._message()
            if typ == b"D":
                (ncols,) = struct.unpack_from("!h", body)
                pos, row = 2, []
                for _ in range(ncols):
                    (n,) = struct.unpack_from("!i", body, pos)
                    pos += 4
                    row.append(None if n < 0 else body[pos:pos + n].decode())
                    pos += max(n, 0)
                rows.append(tuple(row))
            elif typ == b"E":
                raise PgError(self._error_text(body))
            elif typ == b"Z":
                done.append(rows)
                rows = []
        self._rows = rows
        return done

    def notifications(self, timeout):
        """Waits up to timeout seconds for NOTIFY messages (after LISTEN);
        returns [(channel, payload, t)], t the time.time() at which the
        bytes carrying it were received."""
        import select
        import time
        out = []
        if not self.buf:
            ready, _, _ = select.select([self.sock], [], [], timeout)
            if not ready:
                return out
            self._fill()
        t = time.time()
        while len(self.buf) >= 5:
            (length,) = struct.unpack_from("!i", self.buf, 1)
            if len(self.buf) < 1 + length:
                self._fill()
                t = time.time()
                continue
            typ, body = self._message()
            if typ == b"A":
                channel, payload = body[4:].split(b"\0")[:2]
                out.append((channel.decode(), payload.decode(), t))
            elif typ == b"E":
                raise PgError(self._error_text(body))
        return out

    def scalar(self, sql):
        rows = self.query(sql)
        return rows[0][0] if rows else None

    def close(self):
        try:
            self.sock.sendall(b"X\0\0\0\4")
        except OSError:
            pass
        self.sock.close()


def connect_retry(spec, timeout, **kw):
    """Connects, retrying while the server is starting (catch-up scenario)."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        try:
            return Conn(spec, **kw)
        except (OSError, PgError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)
