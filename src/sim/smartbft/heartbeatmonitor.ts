/**
 * HeartbeatMonitor (internal/bft/heartbeatmonitor.go), evaluated on 1-second ticks. The
 * idle leader broadcasts HeartBeat{view, seq} every LeaderHeartbeatTimeout /
 * LeaderHeartbeatCount; a follower complains when it has heard nothing from the leader for
 * LeaderHeartbeatTimeout, syncs when the leader's seq is ahead, and answers stale heartbeats
 * with HeartBeatResponse; a leader that gets f+1 responses with a higher view syncs (once
 * per role change). A leader that stopped sending heartbeats (StopLeaderSendMsg) keeps its
 * leader role but ticks as a follower and accepts heartbeats from any node, so a heartbeat
 * of a higher view makes it sync and rejoin.
 *
 * The monitor's own fields are a HeartbeatMonitorState (`s.hb`, built by
 * newHeartbeatMonitorState), with the view and leader of the last ChangeRole (hm.view,
 * hm.leaderID), which the in-flight view does not change; it reads the shared
 * ViewSequences, and calls the Controller only through the HeartbeatEventHandler it is
 * given, as Go's HeartbeatMonitor does.
 */
import type { Io } from './io.ts';
import { goDuration } from '../../shared/duration.ts';
import type { HeartBeat, HeartBeatResponse } from './messages.ts';
import type { ConsenterState, HeartbeatMonitorState } from './state.ts';

/**
 * HeartbeatEventHandler (heartbeatmonitor.go): who the monitor calls when the leader's
 * heartbeat timeout expires or a Sync is needed (a heartbeat of a higher view or sequence,
 * f+1 HeartBeatResponses of a higher view, or the behind counter). The Controller
 * implements it (controller.go OnHeartbeatTimeout, Sync); the monitor starts no view change
 * and no sync itself.
 */
export interface HeartbeatEventHandler {
  onHeartbeatTimeout(s: ConsenterState, io: Io, view: number, leaderId: number): void;
  sync(s: ConsenterState, io: Io): void;
}

/** NewHeartbeatMonitor: its ticks and heartbeats start now; the first ChangeRole sets its role. */
export function newHeartbeatMonitorState(now: number): HeartbeatMonitorState {
  return {
    lastTick: now,
    lastHeartbeat: now,
    lastHeartbeatSent: now,
    // Stryker disable next-line NumericLiteral: changeRole sets both when the first view starts, before any tick or message
    view: 0,
    // Stryker disable next-line NumericLiteral: changeRole sets both when the first view starts, before any tick or message
    leaderId: 0,
    // Stryker disable next-line BooleanLiteral: changeRole sets it when the first view starts, before any tick or message
    follower: true,
    // Stryker disable next-line BooleanLiteral: changeRole sets it when the first view starts, before any tick or message
    timedOut: false,
    // Stryker disable next-line BooleanLiteral: changeRole sets it when the first view starts, before any tick or message
    stopSending: false,
    // Stryker disable next-line BooleanLiteral: changeRole sets it when the first view starts, before any tick or message
    syncRequested: false,
    followerBehind: false,
    behindSeq: 0,
    behindCounter: 0,
    responses: new Set(),
  };
}

/** ChangeRole: logged by startView just before "Starting view ...". */
export function changeRole(s: ConsenterState, io: Io, role: 'leader' | 'follower', view: number, leader: number): void {
  const hb = s.hb;
  hb.follower = role === 'follower';
  hb.view = view;
  hb.leaderId = leader;
  hb.lastHeartbeat = hb.lastTick;
  hb.timedOut = false;
  hb.stopSending = false;
  hb.syncRequested = false;
  // handleCommand (heartbeatmonitor.go) keeps followerBehind, behindSeq and behindCounter.
  hb.responses.clear();
  io.log('changeRole', role, view, leader);
}

/**
 * StopLeaderSendMsg: a leader whose request timed out stops heartbeating and ticks as a
 * follower; its role, view and leader stay (Go logs this on every call).
 */
export function stopLeaderSendMsg(s: ConsenterState, io: Io): void {
  io.log('stopLeaderSendMsg');
  s.hb.stopSending = true;
}

/** Any PrePrepare/Prepare/Commit the leader broadcasts counts as a heartbeat. */
export function heartbeatWasSent(s: ConsenterState): void {
  s.hb.lastHeartbeat = s.hb.lastTick;
}

/**
 * InjectArtificialHeartbeat (controller.go ProcessMessages): each PrePrepare, Prepare or
 * Commit from the leader of the controller's view (the caller checks the sender) reaches
 * the monitor as a heartbeat of the message's view, whatever the View does with the
 * message (a stopped view, one held during a view change), and handleHeartBeat runs on it
 * with `artificial` set: a lower view is answered with a HeartBeatResponse{our view}; the
 * same view counts as a heartbeat and clears "behind" without comparing sequences.
 * Go's monitor also calls Sync for a higher view; the model leaves that to the View, which
 * complains and syncs on the same message (two Sync calls at one instant give one token in
 * Go only if the controller has not yet taken the first: no defined order), so a message
 * of a higher view that no running View handles does not sync here.
 */
export function artificialHeartbeat(s: ConsenterState, io: Io, sender: number, view: number): void {
  const hb = s.hb;
  if (view < hb.view) {
    const resp: HeartBeatResponse = { type: 'HeartBeatResponse', view: hb.view };
    io.send(sender, resp);
    return;
  }
  if (view > hb.view) return;
  hb.followerBehind = false;
  hb.lastHeartbeat = hb.lastTick;
}

export function heartbeatTick(s: ConsenterState, io: Io, handler: HeartbeatEventHandler): void {
  const hb = s.hb;
  hb.lastTick = io.now;
  if (hb.follower || hb.stopSending) followerTick(s, io, handler);
  else leaderTick(s, io);
}

function leaderTick(s: ConsenterState, io: Io): void {
  const hb = s.hb;
  if ((hb.lastTick - hb.lastHeartbeat) * s.config.LeaderHeartbeatCount < s.config.LeaderHeartbeatTimeout) return;
  // leaderTick: no heartbeat while the view is inactive; else the view's ProposalSeq (the
  // last decided sequence once the view decided one), not the next sequence.
  if (!s.viewSeq.active) return;
  const msg: HeartBeat = { type: 'HeartBeat', view: hb.view, seq: s.viewSeq.seq };
  io.broadcast(msg);
  hb.lastHeartbeat = hb.lastTick;
}

function followerTick(s: ConsenterState, io: Io, handler: HeartbeatEventHandler): void {
  const hb = s.hb;
  if (hb.timedOut) {
    hb.lastHeartbeat = hb.lastTick;
    return;
  }
  const delta = hb.lastTick - hb.lastHeartbeat;
  if (delta >= s.config.LeaderHeartbeatTimeout) {
    io.log('heartbeatTimeout', goDuration(s.config.LeaderHeartbeatTimeout), hb.leaderId, goDuration(delta));
    hb.timedOut = true;
    handler.onHeartbeatTimeout(s, io, hb.view, hb.leaderId);
    return;
  }
  if (!hb.followerBehind) return;
  hb.behindCounter++;
  if (hb.behindCounter >= s.config.NumOfTicksBehindBeforeSyncing) {
    io.log('behindSync', hb.behindSeq, s.config.NumOfTicksBehindBeforeSyncing);
    hb.behindCounter = 0;
    handler.sync(s, io);
  }
}

export function handleHeartBeat(s: ConsenterState, io: Io, sender: number, m: HeartBeat, handler: HeartbeatEventHandler): void {
  const hb = s.hb;
  if (m.view < hb.view) {
    const resp: HeartBeatResponse = { type: 'HeartBeatResponse', view: hb.view };
    io.send(sender, resp);
    return;
  }
  // A leader that stopped sending heartbeats listens to everyone.
  if (!hb.stopSending && sender !== hb.leaderId) return;
  if (m.view > hb.view) {
    handler.sync(s, io);
    return;
  }
  // handleHeartBeat (heartbeatmonitor.go): both sides' ViewSequences.ProposalSeq. A node
  // restarted into a view that starts at 57 while the leader last decided 56 is not
  // behind: it stays a block short until the next decision (measured on Fabric 3.1.5:
  // over 60 s on an idle network after kill-orderer).
  if (!s.viewSeq.active) {
    hb.followerBehind = false;
  } else {
    const ourSeq = s.viewSeq.seq;
    if (ourSeq + 1 < m.seq) {
      handler.sync(s, io);
      return;
    }
    if (ourSeq + 1 === m.seq) {
      hb.followerBehind = true;
      if (ourSeq > hb.behindSeq) {
        hb.behindSeq = ourSeq;
        hb.behindCounter = 0;
      }
    } else {
      hb.followerBehind = false;
    }
  }
  hb.lastHeartbeat = hb.lastTick;
}

export function handleHeartBeatResponse(s: ConsenterState, io: Io, sender: number, m: HeartBeatResponse, handler: HeartbeatEventHandler): void {
  const hb = s.hb;
  if (hb.follower || hb.syncRequested || m.view <= hb.view) return;
  hb.responses.add(sender);
  if (hb.responses.size < s.f + 1) return;
  io.log('heartbeatResponseSync', m.view);
  handler.sync(s, io);
  hb.syncRequested = true;
}
