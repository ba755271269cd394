"""CPU time of other processes (psutil), for the benches' "CPU per file" and "CPU per request" figures."""

import psutil


def process_tree(pid: int) -> list[psutil.Process]:
    """The process and all its descendants (an empty list once it has exited)."""
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return []


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU seconds the processes have used so far; one that has exited counts for nothing."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total
