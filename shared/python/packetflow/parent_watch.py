"""
A supervisor that starts this process with a Node IPC channel (the launcher does) may die without a word, by SIGKILL
or a crash: the channel's end of file is then the only sign, and a node left running would hold its port against
the supervisor's next start. Node hands the channel over as the file descriptor in NODE_CHANNEL_FD.
"""

import asyncio
import os


def on_parent_gone(env, callback):
    """Calls `callback` once the channel to the parent closes; does nothing when there is none. True when watching."""
    fd_text = env.get("NODE_CHANNEL_FD", "")
    if not fd_text.isdigit():
        return False
    fd = int(fd_text)
    os.set_blocking(fd, False)
    loop = asyncio.get_running_loop()

    def readable():
        try:
            # The launcher sends nothing on the channel; anything read is passed over, only its end matters.
            gone = os.read(fd, 65536) == b""
        except BlockingIOError:
            return
        except OSError:
            gone = True
        if gone:
            loop.remove_reader(fd)
            callback()

    loop.add_reader(fd, readable)
    return True
