// What `lockstep export --help` says an export assumes (kept apart: --help loads nothing else).
export const EXPORT_HELP = [
  '',
  'What an export assumes: every plan is made from the facts of --root (default /), the model',
  'machine, exactly as "lockstep onboard --dry-run --yes --answers FILE" makes it there. Each file',
  'the steps read to plan (sshd_config, passwd, authorized_keys, os-release, …) is checked first on',
  'every target — same content as on the model, or absent where it was absent — and a target that',
  'differs stops before anything changes. Export from a server (or a copy of its files given as',
  '--root) that is like the ones the export is for. Steps that need what an earlier step makes',
  '(HTTPS needs the certificate) are planned only when the model already has it.',
  'Secrets never enter the files: Ansible asks them (vars_prompt, or -e @vault.yml), the script',
  'reads them from the files named by LOCKSTEP_<ID>_FILE. Every path is taken under the',
  'lockstep_root variable (Ansible) or LOCKSTEP_ROOT (the script), empty by default.',
].join('\n');
