/**
 * Lints a packaged CloudFormation template (`.serverless/cloudformation-template-update-stack.json`).
 *
 * Two linters, both offline:
 * - `aws-cfn-lint`: AWS's cfn-lint (Python), the reference linter, when the machine has it
 *   (`python3 -c 'import cfnlint'`; this workplace's machine image ships 1.51.0; PyPI is out of reach,
 *   so the project cannot install it itself).
 * - `npm-cfn-lint`: the npm `cfn-lint` (a dev dependency, retired upstream) given the current
 *   resource specification from `@aws-cdk/cfnspec` instead of its own stale copy, which predates
 *   Lambda architectures and most event source mapping settings.
 *
 * Usage: `tsx infra/scripts/lint-template.ts [template.json]` (what `npm run lint:cfn` runs);
 * exits 1 on any error. Tests call {@link lintTemplate} directly.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

export type LinterName = 'aws-cfn-lint' | 'npm-cfn-lint';

export interface LintFinding {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

export interface LintReport {
  readonly linter: LinterName;
  readonly version: string;
  readonly errors: readonly LintFinding[];
  readonly warnings: readonly LintFinding[];
}

/**
 * Warnings that osls itself or the package-time parameters cause, each with its reason. Anything
 * else a linter warns about is reported as a finding to fix.
 */
export const ACCEPTED_WARNINGS: Readonly<Record<string, string>> = {
  W3005: 'osls adds DependsOn on each function role although Role already references it by Fn::GetAtt',
  W8003:
    'the stream mode is an osls param resolved at package time, so its Fn::Equals compares two constants',
};

const PYTHON_RUNNER = 'import sys; from cfnlint.runner import main; sys.exit(main())';
const requireFromHere = createRequire(import.meta.url);

let awsCfnLintProbe: { version: string | undefined } | undefined;

/** The version of AWS's cfn-lint if `python3` can import it, else undefined (probed once). */
export function awsCfnLintVersion(): string | undefined {
  if (awsCfnLintProbe === undefined) {
    const run = spawnSync('python3', ['-c', PYTHON_RUNNER, '--version'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    awsCfnLintProbe = { version: run.status === 0 ? run.stdout.trim().replace(/^\S+\s+/, '') : undefined };
  }
  return awsCfnLintProbe.version;
}

interface AwsCfnLintMatch {
  readonly Level: string;
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[] | null };
}

export function lintWithAwsCfnLint(templatePath: string, regions: readonly string[] = []): LintReport {
  const version = awsCfnLintVersion();
  if (version === undefined) throw new Error('AWS cfn-lint (python3 -c "import cfnlint") is not available');
  const args = ['-c', PYTHON_RUNNER, '--format', 'json'];
  if (regions.length > 0) args.push('--regions', ...regions);
  args.push('--', resolve(templatePath));
  const run = spawnSync('python3', args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  // Exit status is a bit set: 2 errors, 4 warnings, 8 informational; 1 means cfn-lint itself failed.
  if (run.status === null || (run.status & 1) === 1) {
    throw new Error(`cfn-lint failed to run (status ${run.status}): ${run.stderr}`);
  }
  const matches = JSON.parse(run.stdout) as AwsCfnLintMatch[];
  const toFinding = (m: AwsCfnLintMatch): LintFinding => ({
    rule: m.Rule.Id,
    path: (m.Location.Path ?? []).join('/'),
    message: m.Message,
  });
  return {
    linter: 'aws-cfn-lint',
    version,
    errors: matches.filter((m) => m.Level === 'Error').map(toFinding),
    warnings: matches.filter((m) => m.Level === 'Warning').map(toFinding),
  };
}

interface NpmCfnLintMessage {
  readonly message: string;
  readonly resource: string;
}

interface NpmCfnLintResult {
  readonly templateValid: boolean;
  readonly errors: {
    readonly crit: readonly NpmCfnLintMessage[];
    readonly warn: readonly NpmCfnLintMessage[];
  };
}

interface NpmCfnLint {
  validateFile(path: string, options?: { pseudoParameters?: Record<string, string> }): NpmCfnLintResult;
}

export function lintWithNpmCfnLint(templatePath: string): LintReport {
  // The validator reads the specification from this shared module object at validation time.
  const awsData = requireFromHere('cfn-lint/lib/awsData') as { awsResources: unknown };
  const cfnspecPath = requireFromHere.resolve('@aws-cdk/cfnspec/spec/specification.json');
  const specification = requireFromHere(cfnspecPath) as { ResourceSpecificationVersion: string };
  awsData.awsResources = specification;
  const cfnLint = requireFromHere('cfn-lint') as NpmCfnLint;
  const lintVersion = (requireFromHere('cfn-lint/package.json') as { version: string }).version;
  const result = cfnLint.validateFile(resolve(templatePath), {
    pseudoParameters: { 'AWS::AccountId': '123456789012' },
  });
  const toFinding = (m: NpmCfnLintMessage): LintFinding => ({
    rule: 'npm',
    path: m.resource,
    message: m.message,
  });
  return {
    linter: 'npm-cfn-lint',
    version: `${lintVersion} (resource specification ${specification.ResourceSpecificationVersion})`,
    errors: result.errors.crit.map(toFinding),
    warnings: result.errors.warn.map(toFinding),
  };
}

/** Every linter available here, AWS's first. */
export function lintTemplate(templatePath: string): LintReport[] {
  const reports: LintReport[] = [];
  if (awsCfnLintVersion() !== undefined) reports.push(lintWithAwsCfnLint(templatePath));
  reports.push(lintWithNpmCfnLint(templatePath));
  return reports;
}

/** Warnings not covered by {@link ACCEPTED_WARNINGS}. */
export function unexpectedWarnings(report: LintReport): LintFinding[] {
  return report.warnings.filter((w) => !(w.rule in ACCEPTED_WARNINGS));
}

function main(argv: readonly string[]): number {
  const templatePath = argv[0] ?? '.serverless/cloudformation-template-update-stack.json';
  let failed = false;
  for (const report of lintTemplate(templatePath)) {
    const unexpected = unexpectedWarnings(report);
    console.log(
      `${report.linter} ${report.version}: ${report.errors.length} error(s), ${unexpected.length} warning(s)` +
        ` (+${report.warnings.length - unexpected.length} accepted)`,
    );
    for (const f of [...report.errors, ...unexpected]) console.log(`  ${f.rule} ${f.path}: ${f.message}`);
    if (report.errors.length > 0) failed = true;
  }
  return failed ? 1 : 0;
}

if (
  process.argv[1] !== undefined &&
  resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)
) {
  process.exitCode = main(process.argv.slice(2));
}
