/**
 * The `lowbit` command (bin/lowbit.js runs the compiled copy): lowbit --help lists the commands,
 * lowbit <command> --help their options. The program and its conventions are in cli/program.ts.
 */
import { runCli } from "./cli/program";

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
