import CapsimModel

extension Simulator {
    /// Schedules each station's first timed job (`services.NAME.jobs`) one period in.
    func scheduleJobs() {
        for (s, list) in jobs.enumerated() {
            for (j, job) in list.enumerated() { kernel.schedule(.job, at: job.every, Int32(s), Int32(j)) }
        }
    }

    /// A station's timed job is due: each ready instance's job joins that instance's work like
    /// a request (it holds a slot for the job's work, FIFO with the requests; no queue limit
    /// or timeout turns it away, and it is in no statistic), and the next one is scheduled a
    /// period later.
    func jobDue(_ s: Int, _ j: Int) {
        let job = jobs[s][j], st = stations[s]
        for p in st.routable {
            var q = Request(kind: .job, born: now)
            q.work = job.work
            let r = requests.add(q)
            if st.perInstance { place(r, st, pod: Int(p), mayTurnAway: false) } else { admitShared(r, st, mayTurnAway: false) }
        }
        kernel.schedule(.job, at: now + job.every, Int32(s), Int32(j))
    }

    /// A timed job's work is done: it frees its slot and is in no statistic.
    func jobDone(_ s: Int, _ r: Int32) {
        let st = stations[s]
        let p = Int(requests[r].pod)
        st.pods[p].busy -= 1
        st.totalBusy -= 1
        if st.pods[p].throttledSince != nil { throttleMayEnd(st, pod: p) }
        requests.release(r)
        pull(st, pod: p)
    }
}
