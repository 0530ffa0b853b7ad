"""
A node's configuration from the environment, with the variables and meanings of @packetflow/actors' readNodeConfig,
so a Python service is configured like every TypeScript one: PACKETFLOW_NODE_ID, PACKETFLOW_ROLES, PACKETFLOW_HOST,
PACKETFLOW_PORT, PACKETFLOW_ADVERTISE, PACKETFLOW_SECRET, PACKETFLOW_CLUSTER, REDIS_URL (Redis membership) or
PACKETFLOW_PEERS (static: id=host:port/role1+role2, comma-separated).
"""

import os
import socket

from .handshake import NAME_RULE, is_name
from .membership import MemberInfo, StaticMembership
from .redis_membership import RedisMembership

MIN_SECRET_LENGTH = 16


class NodeConfigError(ValueError):
    """Every problem with the environment, one per line."""


def parse_peers(value):
    peers, problems = [], []
    for index, entry in enumerate(e.strip() for e in value.split(",")):
        node_id, _, rest = entry.partition("=")
        address, _, role_list = rest.partition("/")
        host, _, port = address.rpartition(":")
        roles = [r for r in role_list.split("+") if r] if role_list else []
        wrong = []
        if not is_name(node_id):
            wrong.append(f"id {node_id!r} is not {NAME_RULE}")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            wrong.append(f"address {address!r} is not host:port with a port 1-65535")
        wrong += [f"role {r!r} is not {NAME_RULE}" for r in roles if not is_name(r)]
        if wrong:
            problems.append(f"PACKETFLOW_PEERS entry {index + 1} {entry!r}: {'; '.join(wrong)}")
        else:
            peers.append(MemberInfo(node_id, tuple(roles), address, 0))
    return peers, problems


def node_options(env=None):
    """Keyword arguments for Node (node_id, secret, membership, roles, host, port, advertise); raises NodeConfigError."""
    env = os.environ if env is None else env
    problems = []
    peers_value, redis_url = env.get("PACKETFLOW_PEERS"), env.get("REDIS_URL")
    node_id = env.get("PACKETFLOW_NODE_ID") or f"{socket.gethostname()}-{os.getpid()}"
    if not is_name(node_id):
        problems.append(f"PACKETFLOW_NODE_ID: {node_id!r} is not {NAME_RULE}")
    secret = env.get("PACKETFLOW_SECRET", "")
    if (peers_value or redis_url) and len(secret) < MIN_SECRET_LENGTH:
        problems.append(f"PACKETFLOW_SECRET: required, {MIN_SECRET_LENGTH} characters or more")
    roles = [r for r in env.get("PACKETFLOW_ROLES", "").split(",") if r] or None
    host = env.get("PACKETFLOW_HOST", "127.0.0.1")
    port_text = env.get("PACKETFLOW_PORT", "0")
    port = int(port_text) if port_text.isdigit() and int(port_text) < 65536 else None
    if port is None:
        problems.append(f"PACKETFLOW_PORT: {port_text!r} is not a port")
    if peers_value and redis_url:
        problems.append("PACKETFLOW_PEERS and REDIS_URL: choose one membership")
    if peers_value:
        peers, peer_problems = parse_peers(peers_value)
        problems += peer_problems
        listed = next((p for p in peers if p.id == node_id), None)
        if listed is None and not peer_problems:
            problems.append(f"PACKETFLOW_NODE_ID: {node_id} is not listed in PACKETFLOW_PEERS")
        if listed is not None and port == 0:
            port = int(listed.address.rpartition(":")[2])
        membership = StaticMembership(peers)
    elif redis_url:
        membership = RedisMembership(redis_url, cluster=env.get("PACKETFLOW_CLUSTER", "packetflow"))
    else:
        membership = StaticMembership([])
    if problems:
        raise NodeConfigError("\n".join(problems))
    return {
        "node_id": node_id,
        "secret": secret or "single-node-cluster-secret",
        "membership": membership,
        "roles": roles,
        "host": host,
        "port": port,
        "advertise": env.get("PACKETFLOW_ADVERTISE") or None,
    }
