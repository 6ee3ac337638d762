//! The integration executor: runs ML code on a bounded pool of worker
//! threads, never on the async reactor.
//!
//! Every execution carries its own grants, host backends, globals and
//! deadline; nothing is global. A timeout or a dropped future interrupts
//! the VM itself, so the worker is freed promptly and the next queued job
//! runs.

use crate::backend::{Backend, Job, NativeBackend};
use crate::outcome::{ExecOutcome, Status};
use crate::protocol::BackendInfo;
use crate::request::ExecRequest;
use mlpy_lang::vm::{Interrupt, Limits, VM_THREAD_STACK};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, Semaphore};

/// How an [`Executor`] is set up.
#[derive(Clone, Debug)]
pub struct ExecutorConfig {
    /// Worker threads (ML execution is CPU-bound).
    pub max_workers: usize,
    /// Jobs admitted beyond the busy workers before `execute` waits.
    pub queue_capacity: usize,
    /// The timeout of a request that sets none (`None`: no limit).
    pub default_timeout: Option<Duration>,
    /// The limits of every run.
    pub limits: Limits,
    /// Compiled programs kept by source hash (0 disables the cache).
    pub cache_capacity: usize,
}

impl Default for ExecutorConfig {
    fn default() -> ExecutorConfig {
        ExecutorConfig {
            max_workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            queue_capacity: 1024,
            default_timeout: Some(Duration::from_secs(30)),
            limits: Limits::default(),
            cache_capacity: 256,
        }
    }
}

struct Inner {
    config: ExecutorConfig,
    info: BackendInfo,
    backend: Arc<dyn Backend>,
    permits: usize,
    jobs: Mutex<Option<mpsc::Sender<QueuedJob>>>,
    /// The queue's receiving end until the workers take it.
    queue: Mutex<Option<mpsc::Receiver<QueuedJob>>>,
    /// Set once the workers have been started (on the first `execute`):
    /// callers that only use `execute_here` (the spec runner, `run`) never
    /// pay for threads they do not use. `Err` when none could start.
    started: OnceLock<Result<(), String>>,
    admission: Semaphore,
    workers: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

struct QueuedJob {
    job: Job,
    reply: oneshot::Sender<ExecOutcome>,
}

/// Runs ML code asynchronously. Cheap to clone; all clones share one pool.
#[derive(Clone)]
pub struct Executor {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("backend", &self.inner.info.name)
            .field("workers", &self.inner.config.max_workers)
            .finish()
    }
}

/// Raises the job's interrupt if the caller stops waiting before it ends.
struct CancelOnDrop {
    interrupt: Interrupt,
    armed: bool,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.interrupt.cancel();
        }
    }
}

impl Executor {
    /// An executor over the native VM.
    pub fn new(config: ExecutorConfig) -> Executor {
        let backend = Arc::new(NativeBackend::new(
            config.cache_capacity,
            config.limits.clone(),
        ));
        Executor::with_backend(config, backend)
    }

    /// An executor over any backend (mock, external process, ...). Its
    /// worker threads start with the first [`execute`](Executor::execute).
    pub fn with_backend(config: ExecutorConfig, backend: Arc<dyn Backend>) -> Executor {
        let (tx, rx) = mpsc::channel::<QueuedJob>();
        let permits = config.max_workers.max(1) + config.queue_capacity.max(1);
        Executor {
            inner: Arc::new(Inner {
                info: backend.info(),
                backend,
                permits,
                admission: Semaphore::new(permits),
                jobs: Mutex::new(Some(tx)),
                queue: Mutex::new(Some(rx)),
                started: OnceLock::new(),
                workers: Mutex::new(Vec::new()),
                config,
            }),
        }
    }

    /// Starts the worker threads (once). `Err` when not one could start.
    fn start_workers(&self) -> &Result<(), String> {
        self.inner.started.get_or_init(|| {
            let Some(rx) = lock(&self.inner.queue).take() else {
                return Err("the executor has been shut down".into());
            };
            let rx = Arc::new(Mutex::new(rx));
            let mut workers = lock(&self.inner.workers);
            let mut error = None;
            for i in 0..self.inner.config.max_workers.max(1) {
                let (rx, backend) = (rx.clone(), self.inner.backend.clone());
                match std::thread::Builder::new()
                    .name(format!("mlpy-worker-{i}"))
                    .stack_size(VM_THREAD_STACK)
                    .spawn(move || worker_loop(rx, backend))
                {
                    Ok(handle) => workers.push(handle),
                    Err(e) => error = Some(e),
                }
            }
            match error {
                Some(e) if workers.is_empty() => Err(format!("cannot start a worker thread: {e}")),
                _ => Ok(()),
            }
        })
    }

    /// How it was set up.
    pub fn config(&self) -> &ExecutorConfig {
        &self.inner.config
    }

    /// The backend's name and the features it honours.
    pub fn backend_info(&self) -> &BackendInfo {
        &self.inner.info
    }

    /// Runs one request. Dropping the returned future cancels the job.
    pub async fn execute(&self, req: ExecRequest) -> ExecOutcome {
        let submitted = Instant::now();
        if let Err(e) = self.start_workers() {
            return ExecOutcome::new(Status::Error {
                error: internal_error(e),
            });
        }
        let Ok(_permit) = self.inner.admission.acquire().await else {
            return shut_down_outcome();
        };
        let job = self.job(req, submitted);
        let mut guard = CancelOnDrop {
            interrupt: job.interrupt.clone(),
            armed: true,
        };
        let (reply, rx) = oneshot::channel();
        {
            let jobs = lock(&self.inner.jobs);
            match jobs.as_ref() {
                Some(tx) if tx.send(QueuedJob { job, reply }).is_ok() => {}
                _ => {
                    guard.armed = false;
                    return shut_down_outcome();
                }
            }
        }
        // Short jobs finish within microseconds: poll briefly before
        // parking, which costs a futex wake-up. Only a caller with few jobs
        // in flight polls; under load, parking leaves the cores to the
        // workers.
        let mut rx = rx;
        let in_flight = self.inner.permits - self.inner.admission.available_permits();
        let spin_until =
            (in_flight <= self.inner.config.max_workers.max(1)).then(|| Instant::now() + SPIN);
        let mut rounds = 0u32;
        let outcome = loop {
            match rx.try_recv() {
                Ok(o) => break Ok(o),
                Err(oneshot::error::TryRecvError::Closed) => break Err(()),
                Err(oneshot::error::TryRecvError::Empty) => {
                    if spin_until.is_none_or(|until| Instant::now() >= until) {
                        break rx.await.map_err(|_| ());
                    }
                    // Let other tasks run first (they may have jobs to
                    // hand to idle workers), then poll without a trip
                    // through the runtime's drivers (each costs a system
                    // call), letting other tasks run again every few
                    // rounds. (Yielding the core instead, with
                    // `sched_yield`, gives it away for milliseconds when
                    // other processes are runnable.)
                    if rounds.is_multiple_of(YIELD_TO_TASKS_EVERY) {
                        tokio::task::yield_now().await;
                    } else {
                        std::hint::spin_loop();
                    }
                    rounds = rounds.wrapping_add(1);
                }
            }
        };
        guard.armed = false;
        outcome.unwrap_or_else(|_| {
            let mut o = ExecOutcome::new(Status::Error {
                error: internal_error("the worker stopped before answering"),
            });
            o.timings.total = submitted.elapsed();
            o
        })
    }

    /// Runs one request on the calling thread, with the executor's backend
    /// and defaults (timeout, limits) and the same outcome as [`execute`],
    /// but without handing it to a worker: for callers that are already
    /// one of a bounded set of threads (the spec driver's), where the
    /// hand-over and its wake-ups would cost more than a small program's
    /// run. Not bounded by the pool; do not call it from async tasks.
    ///
    /// [`execute`]: Executor::execute
    pub fn execute_here(&self, req: ExecRequest) -> ExecOutcome {
        run_job(&*self.inner.backend, self.job(req, Instant::now()))
    }

    /// The job for a request: the executor's default timeout and limits
    /// where the request sets none, and a fresh interrupt.
    #[inline(always)]
    fn job(&self, req: ExecRequest, submitted: Instant) -> Job {
        Job {
            limits: req
                .limits
                .clone()
                .unwrap_or_else(|| self.inner.config.limits.clone()),
            timeout: req.timeout.or(self.inner.config.default_timeout),
            request: req,
            interrupt: Interrupt::new(),
            submitted,
        }
    }

    /// Runs one request from synchronous code, blocking the calling thread.
    /// Do not call it from inside an async task: await `execute` there.
    pub fn execute_blocking(&self, req: ExecRequest) -> ExecOutcome {
        pollster::block_on(self.execute(req))
    }

    /// Stops accepting work; running and queued jobs finish first.
    pub fn shutdown(&self) {
        self.inner.admission.close();
        lock(&self.inner.jobs).take();
        // Workers that never started never will.
        let _ = self
            .inner
            .started
            .get_or_init(|| Err("the executor has been shut down".into()));
        let workers = std::mem::take(&mut *lock(&self.inner.workers));
        for w in workers {
            let _ = w.join();
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the channel ends the workers' loops.
        self.jobs
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }
}

/// How long waiting sides poll before sleeping.
const SPIN: Duration = Duration::from_micros(50);

/// A polling caller lets the runtime's other tasks run every this many
/// rounds (in between it only polls).
const YIELD_TO_TASKS_EVERY: u32 = 8;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn worker_loop(rx: Arc<Mutex<mpsc::Receiver<QueuedJob>>>, backend: Arc<dyn Backend>) {
    loop {
        let next = {
            let rx = lock(&rx);
            // Spin briefly for the next job before sleeping in `recv`.
            let spin_until = Instant::now() + SPIN;
            loop {
                match rx.try_recv() {
                    Ok(job) => break Ok(job),
                    Err(mpsc::TryRecvError::Disconnected) => break Err(mpsc::RecvError),
                    Err(mpsc::TryRecvError::Empty) if Instant::now() < spin_until => {
                        std::hint::spin_loop();
                    }
                    Err(mpsc::TryRecvError::Empty) => break rx.recv(),
                }
            }
        };
        let Ok(QueuedJob { job, reply }) = next else {
            return;
        };
        if reply.is_closed() || job.interrupt.raised().is_some() {
            // The caller gave up while the job waited: do not run it.
            let _ = reply.send(ExecOutcome::new(Status::Cancelled));
            continue;
        }
        let queued = job.submitted.elapsed();
        let mut outcome = run_job(&*backend, job);
        outcome.timings.queued = queued;
        let _ = reply.send(outcome);
    }
}

/// Runs a job on this thread; a panic in the backend becomes an internal
/// error of this job only.
fn run_job(backend: &dyn Backend, job: Job) -> ExecOutcome {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| backend.run(job)));
    outcome.unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        ExecOutcome::new(Status::Error {
            error: internal_error(&format!("internal error: {msg}")),
        })
    })
}

pub(crate) fn internal_error(message: &str) -> mlpy_lang::error::ErrorInfo {
    mlpy_lang::error::ErrorInfo {
        kind: "InternalError".into(),
        message: message.into(),
        line: None,
        column: None,
        file: None,
        rendered: format!("InternalError: {message}\n"),
        violation: None,
    }
}

fn shut_down_outcome() -> ExecOutcome {
    ExecOutcome::new(Status::Error {
        error: internal_error("the executor has been shut down"),
    })
}
