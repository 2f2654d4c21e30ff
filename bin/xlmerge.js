#!/usr/bin/env node
import { endProcess, runCli } from '../dist/cli/cli.js';

endProcess(await runCli());
