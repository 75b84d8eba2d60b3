/* certcontract, served by `fabric-chaincode-node server` (chaincode as a service). */
'use strict';

const { CertContract } = require('./lib/contract.js');

module.exports.CertContract = CertContract;
module.exports.contracts = [CertContract];
