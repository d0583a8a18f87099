import GridClearCore

/// View change: VIEW-CHANGE, NEW-VIEW, the f + 1 join rule and NEW-VIEW validation.
extension Replica {
    /// Leaves the current view for `newView`: persists the view (inactive), then sends a
    /// VIEW-CHANGE with the stable checkpoint and every prepared certificate above it.
    mutating func startViewChange(to newView: UInt64) {
        guard newView > view || (newView == view && isActive) else { return }
        durable.view = newView
        durable.active = false
        persist()
        slots = [:]
        installedNewView = nil
        viewChanges = viewChanges.filter { $0.key >= newView }
        sendViewChange()
        event(.viewChangeStarted(view: newView))
        backoff = min(backoff * 2, config.maxBackoff)
        timerDeadline = nil
        armTimerIfNeeded()
        tryNewView()
    }

    /// Sends (again, after a restart) this replica's VIEW-CHANGE for the view it is changing to.
    mutating func sendViewChange() {
        let vc = ViewChange(newView: view, checkpoint: durable.stableCheckpoint,
                            prepared: durable.prepared.keys.sorted().compactMap { durable.prepared[$0] })
        ownViewChange = send(.viewChange(vc))
        if let m = ownViewChange { viewChanges[view, default: [:]][id] = m }
    }

    mutating func onViewChange(_ m: SignedMessage, _ vc: ViewChange) {
        if vc.newView < view || (vc.newView == view && isActive) {
            help(m.sender); return
        }
        guard vc.newView <= view + 2 * UInt64(committee.n) + 64 else { return }  // bounded memory
        if let why = viewChangeProblem(vc) {
            event(.dropped(from: m.sender, reason: "VIEW-CHANGE to \(vc.newView): \(why)")); return
        }
        if let prior = viewChanges[vc.newView]?[m.sender] {
            if prior.body != m.body { event(.equivocation(replica: m.sender, view: vc.newView, seq: 0, kind: .viewChange)) }
            return
        }
        viewChanges[vc.newView, default: [:]][m.sender] = m
        if vc.newView == view && !isActive { armTimerIfNeeded() }
        senderViews[m.sender] = max(senderViews[m.sender] ?? 0, vc.newView)
        noteProgress(of: m.sender, height: vc.checkpoint.seq)
        // f + 1 rule: when f + 1 members want a higher view, join the smallest such view.
        let higher = senderViews.filter { $0.value > view || ($0.value == view && isActive) }
        if higher.count >= committee.f + 1, let target = higher.values.min() {
            startViewChange(to: target)
        }
        tryNewView()
    }

    /// As the primary of the view being changed to, sends NEW-VIEW once a quorum of
    /// VIEW-CHANGEs (ours included) is in: the lowest-numbered senders, ours always kept.
    mutating func tryNewView() {
        guard !isActive, isPrimary, let vcs = viewChanges[view], vcs[id] != nil, vcs.count >= committee.quorum else { return }
        let senders = [id] + vcs.keys.filter { $0 != id }.sorted().prefix(committee.quorum - 1)
        let chosen = senders.compactMap { vcs[$0] }
        let plan = NewViewPlan(viewChanges: chosen.compactMap { if case .viewChange(let v) = $0.message { return v }; return nil })
        var pps: [SignedMessage] = []
        for (seq, proposal) in plan.proposals {
            guard guardPermits(view: view, seq: seq, digest: proposal.digest),
                  let m = sign(.prePrepare(PrePrepare(view: view, seq: seq, proposal: proposal))) else { return }
            pps.append(m)
        }
        guard let nv = sign(.newView(NewView(view: view, viewChanges: chosen, prePrepares: pps))) else { return }
        out.messages.append(Outbound(to: .all, message: nv))
        install(nv, plan: plan)
    }

    /// Signs without sending.
    mutating func sign(_ m: Message) -> SignedMessage? {
        do { return try SignedMessage.sign(m, committee: committee.id, sender: id, signer: config.signer) } catch {
            event(.dropped(from: id, reason: "\(error)")); return nil
        }
    }

    mutating func onNewView(_ m: SignedMessage, _ nv: NewView) {
        guard nv.view > view || (nv.view == view && !isActive) else {
            if nv.view < view { help(m.sender) }
            return
        }
        guard m.sender == committee.primary(ofView: nv.view) else {
            event(.dropped(from: m.sender, reason: "NEW-VIEW from a replica that is not the primary of view \(nv.view)")); return
        }
        var vcs: [ViewChange] = []
        var senders = Set<ReplicaID>()
        for x in nv.viewChanges {
            guard (try? x.verify(in: committee, scheme: config.scheme)) != nil, case .viewChange(let vc) = x.message,
                  vc.newView == nv.view, senders.insert(x.sender).inserted else {
                event(.dropped(from: m.sender, reason: "NEW-VIEW \(nv.view): invalid or repeated VIEW-CHANGE")); return
            }
            if let why = viewChangeProblem(vc) { event(.dropped(from: m.sender, reason: "NEW-VIEW \(nv.view): \(why)")); return }
            vcs.append(vc)
        }
        guard senders.count >= committee.quorum else {
            event(.dropped(from: m.sender, reason: "NEW-VIEW \(nv.view) without a quorum of VIEW-CHANGEs")); return
        }
        let plan = NewViewPlan(viewChanges: vcs)
        guard nv.prePrepares.count == plan.proposals.count else {
            event(.dropped(from: m.sender, reason: "NEW-VIEW \(nv.view): PRE-PREPAREs do not match the view changes")); return
        }
        for (x, want) in zip(nv.prePrepares, plan.proposals) {
            guard x.sender == m.sender, (try? x.verify(in: committee, scheme: config.scheme)) != nil,
                  case .prePrepare(let pp) = x.message, pp.view == nv.view, pp.seq == want.seq, pp.proposal == want.proposal else {
                event(.dropped(from: m.sender, reason: "NEW-VIEW \(nv.view): PRE-PREPAREs do not match the view changes")); return
            }
        }
        install(m, plan: plan)
    }

    /// Enters the view of a valid NEW-VIEW: adopts its checkpoint if newer, then processes its
    /// PRE-PREPAREs as if received from the primary.
    mutating func install(_ m: SignedMessage, plan: NewViewPlan) {
        guard case .newView(let nv) = m.message else { return }
        durable.view = nv.view
        durable.active = true
        persist()
        slots = [:]
        installedNewView = m
        ownViewChange = nil
        viewChanges = viewChanges.filter { $0.key > nv.view }
        senderViews = senderViews.filter { $0.value > nv.view }
        timerDeadline = nil
        event(.newViewInstalled(view: nv.view, primary: m.sender))
        if plan.checkpoint.seq > lowWatermark { adoptStable(plan.checkpoint) }
        if plan.checkpoint.seq > tip.height { noteProgress(of: m.sender, height: plan.checkpoint.seq) }
        for x in nv.prePrepares {
            if case .prePrepare(let pp) = x.message { accept(prePrepare: x, pp) }
        }
        armTimerIfNeeded()
        proposeIfPrimary()
    }
}
