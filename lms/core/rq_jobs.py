"""With the RQ task backend (django-tasks-rq): a task whose worker was killed is run again.

RQ notices a job whose worker stopped reporting when another worker cleans its registries, and
then fails it for good ("abandoned") unless the job has retries left; django-tasks-rq gives none.
:func:`requeue_abandoned_job`, one of django-rq's exception handlers (``RQ_EXCEPTION_HANDLERS``),
gives such a job one more try, up to ``MAX_ATTEMPTS`` losses, so that a cohort batch whose worker
was killed finishes without anyone queueing it again. Every Pathways task is safe to run twice.

Only imported by RQ's workers, where rq is installed.
"""

import logging

from rq.exceptions import AbandonedJobError

logger = logging.getLogger(__name__)

#: A job lost this many times with its worker is failed rather than run again.
MAX_ATTEMPTS = 5
_LOSSES = "pathways_worker_losses"


def requeue_abandoned_job(job, exc_type, exc_value, traceback) -> bool:
    """Give an abandoned job one more try (RQ then queues it again); leave other failures."""
    if not (isinstance(exc_type, type) and issubclass(exc_type, AbandonedJobError)):
        return True
    losses = int(job.meta.get(_LOSSES, 0)) + 1
    job.meta[_LOSSES] = losses
    job.save_meta()
    if losses >= MAX_ATTEMPTS:
        logger.error("Job %s (%s) lost its worker %d times: failed.", job.id, job.func_name, losses)
        return True
    if not job.retries_left:
        job.retries_left = 1
        job.retry_intervals = None
    logger.warning("Job %s (%s) was abandoned by its worker; queued again.", job.id, job.func_name)
    return True
