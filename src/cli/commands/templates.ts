// `kforge templates`: every template `kforge new --template` accepts, with a one-line summary.
import { listTemplates } from "../../scaffold/templates.js";
import type { CommandContext } from "../context.js";

export interface TemplatesOptions {
  json?: boolean;
}

export async function templatesCommand(options: TemplatesOptions, context: CommandContext): Promise<number> {
  const templates = await listTemplates();
  if (options.json) {
    const list = templates.map(({ name, summary, defaultDescription }) => ({ name, summary, defaultDescription }));
    context.stdout.write(`${JSON.stringify({ templates: list }, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...templates.map((template) => template.name.length));
  for (const template of templates) context.stdout.write(`${template.name.padEnd(width)}  ${template.summary}\n`);
  return 0;
}
