import { readFile } from 'node:fs/promises';
import { ftReason } from './error-texts.js';
import { ValidationError } from './errors.js';
import { readMef } from './mef-read.js';
import { type Model, mergeModels } from './model.js';
import { readYamlModel } from './yaml-form.js';

/** Reads a model from MEF XML or YAML text, chosen by the file name. */
export function parseModel(text: string, file: string): Model {
  return /\.ya?ml$/i.test(file) ? readYamlModel(text, file) : readMef(text, file);
}

/** Reads and merges model files (MEF spreads a model over files); a name defined twice is an error naming it. */
export async function loadModel(files: string[]): Promise<Model> {
  const models = await Promise.all(files.map(async (f) => parseModel(await readFile(f, 'utf8'), f)));
  const { model, duplicates } = mergeModels(models);
  if (duplicates.length)
    throw new ValidationError(
      ftReason('duplicate', { name: duplicates[0].name }),
      duplicates[0].where ?? { name: duplicates[0].name },
    );
  return model;
}
