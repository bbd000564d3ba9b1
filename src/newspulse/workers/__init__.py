"""The pipeline's steps as procrastinate jobs on any number of ``newspulse worker``
processes over the store's PostgreSQL (``newspulse run --engine procrastinate``).

- ``steps``: each step's unit of work as a job runs it: claim a batch (``store.claim``,
  with a lease), do it, release; single-writer steps hold a lease for the whole store.
- ``leases``: a lease kept alive by a heartbeat while its holder works.
- ``jobs``: the procrastinate tasks and what each defers next; ``schedule``: the tick
  that defers polls of due sources and the steps that have pending work.
"""
