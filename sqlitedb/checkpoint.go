package sqlitedb

import "time"

// The write-ahead log is copied into the database file (checkpointed) by a
// connection and goroutine of its own, not by the commit that filled it.
// SQLite's automatic checkpoint runs inside the COMMIT that passes 1,000
// pages, on the writer's goroutine, after the commit is visible: readers
// that saw the new version waited for the writer to report it (the store's
// kept Night) while it copied pages and synced the file twice, past 20 ms
// on a busy machine, and then read the whole night themselves (at 10,000
// waiting about 100 ms each). A PASSIVE checkpoint from another connection
// runs beside the writer and its readers and never waits for them.

// checkpointEvery is the least time between two checkpoints, so a burst of
// commits is copied in one go, as SQLite's 1,000 pages would.
const checkpointEvery = 100 * time.Millisecond

// checkpointParams turn off the automatic checkpoint on the writer's
// connection: the checkpointer does it.
const checkpointParams = "_pragma=wal_autocheckpoint(0)"

// startCheckpoints opens the checkpointer's connection and starts its
// goroutine, which checkpoints after a commit wakes it (w.wake) until
// w.quit; checkpointsDone is closed when it has stopped.
func (w *Writer) startCheckpoints(databaseURL string) error {
	db, err := Open(databaseURL, "")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	w.checkpointer = db
	go func() {
		defer close(w.checkpointsDone)
		for {
			select {
			case <-w.wake:
			case <-w.quit:
				return
			}
			// A failure (a full disk) leaves the log to grow until a later
			// checkpoint, or Close's, succeeds.
			var busy, frames, copied int64
			if db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied) == nil && frames >= restartFrames {
				w.restartWanted.Store(true) // see restartSoon
			}
			select {
			case <-time.After(checkpointEvery):
			case <-w.quit:
				return
			}
		}
	}()
	return nil
}

// restartFrames is the log's length past which the writer starts it
// again (restartSoon), as SQLite's own automatic checkpoint would at 1,000
// pages.
const restartFrames = 1000

// restartSoon runs on the writer's goroutine between two groups, after the
// checkpointer found the log longer than restartFrames (and before its
// next pass, 100 ms later). The checkpointer alone never copies the whole
// log while writes keep coming (each commit lands while it copies), and
// SQLite writes the log again from its beginning only once it has been
// copied whole: under a steady load the log grew by every commit (61 MB
// over 2,000 requests), and each commit's fsync lengthened the file. With
// no commit in between, a RESTART checkpoint copies what the checkpointer
// has not yet and waits for the readers still in the old log, so the next
// group writes over the log from its beginning. It waits at most
// restartWait, since every write waits meanwhile: a longer read (a whole
// night, a backup) makes it a PASSIVE checkpoint, and the checkpointer's
// next pass asks again. Without any wait the readers were nearly always
// in the old log and it never started again.
func (w *Writer) restartSoon() {
	if !w.restartWanted.Swap(false) {
		return
	}
	w.db.Exec(`PRAGMA busy_timeout = ` + restartWait)
	w.db.Exec(`PRAGMA wal_checkpoint(RESTART)`)
	w.db.Exec(`PRAGMA busy_timeout = ` + busyTimeout)
}

// restartWait is how long, in milliseconds, restartSoon waits for readers.
const restartWait = "5"

// checkpointSoon wakes the checkpointer after a commit.
func (w *Writer) checkpointSoon() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// stopCheckpoints stops the checkpointer (after w.quit is closed) and
// closes its connection.
func (w *Writer) stopCheckpoints() error {
	if w.checkpointer == nil {
		return nil
	}
	<-w.checkpointsDone
	return w.checkpointer.Close()
}
