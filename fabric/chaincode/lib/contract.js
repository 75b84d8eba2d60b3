/*
 * certcontract on fabric-contract-api: each transaction hands its arguments to
 * lib/logic.js with the stub's state, the creator's MSP and the transaction's time.
 * Rest parameters keep fabric-contract-api from checking the argument count itself, so
 * a wrong count gets the model's message.
 */
'use strict';

const { Contract } = require('fabric-contract-api');
const { CHAINCODE, invoke } = require('./logic.js');

function io(ctx) {
  const ts = ctx.stub.getTxTimestamp();
  const seconds = typeof ts.seconds === 'object' && ts.seconds !== null && 'low' in ts.seconds ? ts.seconds.low : Number(ts.seconds);
  return {
    creatorMsp: ctx.clientIdentity.getMSPID(),
    timestampMs: seconds * 1000 + Math.floor((ts.nanos || 0) / 1e6),
    async getState(key) {
      if (key === '') return undefined;
      const b = await ctx.stub.getState(key);
      return b === undefined || b.length === 0 ? undefined : Buffer.from(b).toString('utf8');
    },
    async putState(key, value) {
      await ctx.stub.putState(key, Buffer.from(value, 'utf8'));
    },
    async scan() {
      const out = [];
      const it = await ctx.stub.getStateByRange('', '');
      try {
        for (let r = await it.next(); !r.done; r = await it.next()) out.push({ key: r.value.key, value: Buffer.from(r.value.value).toString('utf8') });
      } finally {
        await it.close();
      }
      return out;
    },
  };
}

class CertContract extends Contract {
  constructor() {
    super(CHAINCODE);
  }

  async IssueCertificate(ctx, ...args) {
    return invoke('IssueCertificate', args, io(ctx));
  }

  async GetCertificate(ctx, ...args) {
    return invoke('GetCertificate', args, io(ctx));
  }

  async VerifyCertificate(ctx, ...args) {
    return invoke('VerifyCertificate', args, io(ctx));
  }

  async RevokeCertificate(ctx, ...args) {
    return invoke('RevokeCertificate', args, io(ctx));
  }

  async QueryCertificatesByStudent(ctx, ...args) {
    return invoke('QueryCertificatesByStudent', args, io(ctx));
  }

  async unknownTransaction(ctx) {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return invoke(fcn, [], io(ctx));
  }
}

module.exports = { CertContract };
