import type { ReasonParam, ReasonText } from './reason.js';

/**
 * The one catalogue of reasons why a log or a DBC cannot be read, in English and French. English
 * is the error's `message` (logs, tests, programs) and must not change lightly; French is what the
 * workshop reads: plain sentences, the words of the trade (trame, identifiant, octet, en-tête,
 * bloc, conteneur, signal, multiplexeur), and colons rather than agreements the parameters could
 * break. A code is written where the problem is found; no text is built there.
 */
const text = <P = Record<string, never>>(
  en: (p: P, say: (x: ReasonParam) => string) => string,
  fr: (p: P, say: (x: ReasonParam) => string) => string,
): ReasonText<P> => ({ en, fr });

export const REASON_TEXTS = {
  // ── Any format ──────────────────────────────────────────────────────────────────────────────
  untranslated: text<{ text: string }>(
    (p) => p.text,
    (p) => p.text,
  ),
  'empty-file': text(
    () => 'empty file: no frames',
    () => 'fichier vide : aucune trame',
  ),
  'no-frame': text(
    () => 'no frame in the file',
    () => 'aucune trame dans le fichier',
  ),
  'end-of-line': text(
    () => 'end of line',
    () => 'la fin de la ligne',
  ),
  'end-of-file': text(
    () => 'end of file',
    () => 'la fin du fichier',
  ),
  'found-text': text<{ text: string }>(
    (p) => `'${p.text}'`,
    (p) => `« ${p.text} »`,
  ),
  'found-byte': text<{ hex: string }>(
    (p) => `byte 0x${p.hex}`,
    (p) => `l'octet 0x${p.hex}`,
  ),
  'found-nothing': text(
    () => 'nothing',
    () => 'rien',
  ),
  /** Bytes shown as hex (`4c 4f 00 47`): the same in both languages. */
  'found-hex': text<{ hex: string }>(
    (p) => p.hex,
    (p) => p.hex,
  ),
  'binary-content': text<{ offset: number }>(
    (p) => `binary content (NUL byte at offset ${p.offset}): not a text log`,
    (p) => `contenu binaire (octet NUL au décalage ${p.offset}) : ce n'est pas un journal texte`,
  ),
  'line-too-long': text<{ max: number }>(
    (p) => `line longer than ${p.max} bytes: not a text log`,
    (p) => `ligne de plus de ${p.max} octets : ce n'est pas un journal texte`,
  ),
  'canedge-packed': text(
    () =>
      "a CANedge compressed (MFC) or encrypted (MFE) file: it becomes MF4 once CSS Electronics' mdf2finalized has unpacked it",
    () =>
      'fichier CANedge compressé (MFC) ou chiffré (MFE) : il devient un MF4 une fois décompressé par mdf2finalized de CSS Electronics',
  ),
  'unknown-format': text(
    () =>
      'unknown log format: expected candump, candump screen output, ASC, PEAK TRC, CANHacker trace, SavvyCAN CSV, MF4 or BLF',
    () =>
      'format de journal inconnu : attendu candump, sortie écran de candump, ASC, TRC PEAK, trace CANHacker, CSV SavvyCAN, MF4 ou BLF',
  ),
  'bad-gzip': text<{ detail: string }>(
    (p) => `bad gzip file: ${p.detail}`,
    (p) => `fichier gzip illisible : ${p.detail}`,
  ),
  'truncated-needs': text<{ what: ReasonParam; needs: number; left: number }>(
    (p, say) => `truncated file: ${say(p.what)} needs ${p.needs} bytes, only ${p.left} left`,
    (p, say) => `fichier tronqué : ${say(p.what)} demande ${p.needs} octets, il n'en reste que ${p.left}`,
  ),
  'truncated-short': text<{ what: ReasonParam; needs: number }>(
    (p, say) => `truncated file: ${say(p.what)} needs ${p.needs} bytes`,
    (p, say) => `fichier tronqué : il faut ${p.needs} octets pour ${say(p.what)}`,
  ),
  term: text<{ term: Term }>(
    (p) => p.term,
    (p) => TERMS[p.term],
  ),
  'id-over-11-bit': text<{ id: string }>(
    (p) => `id 0x${p.id} out of range for an 11-bit identifier`,
    (p) => `identifiant 0x${p.id} hors de la plage d'un identifiant 11 bits`,
  ),
  'fd-bad-length': text<{ n: number }>(
    (p) => `CAN FD frame with ${p.n} data bytes, not a CAN FD length`,
    (p) => `trame CAN FD de ${p.n} octets de données : longueur impossible en CAN FD`,
  ),
  list: text<Record<string, ReasonParam>>(
    (p, say) => Object.values(p).map(say).join('; '),
    (p, say) => Object.values(p).map(say).join(' ; '),
  ),
  'classic-too-long': text<{ n: number }>(
    (p) => `classic CAN frame with ${p.n} data bytes`,
    (p) => `trame CAN classique de ${p.n} octets de données (8 au plus)`,
  ),

  // ── BLF ──────────────────────────────────────────────────────────────────────────────────────
  'blf.not-blf': text<{ found: ReasonParam }>(
    (p, say) => `not a BLF file: expected the signature 'LOGG', found ${say(p.found)}`,
    (p, say) => `ce n'est pas un fichier BLF : signature « LOGG » attendue, trouvé ${say(p.found)}`,
  ),
  'blf.header-truncated': text<{ needs: number }>(
    (p) => `truncated file: the BLF file header needs ${p.needs} bytes`,
    (p) => `fichier tronqué : l'en-tête de fichier BLF demande ${p.needs} octets`,
  ),
  'blf.bad-header-size': text<{ size: number }>(
    (p) => `bad file header size ${p.size}`,
    (p) => `taille d'en-tête de fichier invalide : ${p.size}`,
  ),
  'blf.last-object-cut': text<{ bytes: number }>(
    (p) => `truncated file: the last object is cut short (${p.bytes} bytes)`,
    (p) => `fichier tronqué : le dernier objet est coupé (${p.bytes} octets)`,
  ),
  'blf.bytes-after-last': text<{ bytes: number }>(
    (p) => `truncated file: ${p.bytes} bytes after the last object`,
    (p) => `fichier tronqué : ${p.bytes} octets après le dernier objet`,
  ),
  'blf.expected-lobj': text<{ found: ReasonParam }>(
    (p, say) => `expected an object ('LOBJ'), found ${say(p.found)}`,
    (p, say) => `objet attendu (« LOBJ »), trouvé ${say(p.found)}`,
  ),
  'blf.bad-object': text<{ size: number; headerSize: number }>(
    (p) => `bad object: size ${p.size}, header size ${p.headerSize}`,
    (p) => `objet invalide : taille ${p.size}, taille d'en-tête ${p.headerSize}`,
  ),
  'blf.object-past-end': text<{ size: number; left: number }>(
    (p) => `truncated file: object of ${p.size} bytes goes past the end of the file (${p.left} bytes left)`,
    (p) =>
      `fichier tronqué : l'objet de ${p.size} octets dépasse la fin du fichier (il reste ${p.left} octets)`,
  ),
  'blf.container-no-header': text<{ size: number }>(
    (p) => `log container of ${p.size} bytes has no room for its header`,
    (p) => `conteneur de ${p.size} octets : trop petit pour son en-tête`,
  ),
  'blf.container-method': text<{ method: number }>(
    (p) => `log container with unknown compression method ${p.method}: skipped`,
    (p) => `conteneur compressé par une méthode inconnue (${p.method}) : sauté`,
  ),
  'blf.container-claims': text<{ expected: number; stored: number; limit: number }>(
    (p) =>
      `log container claims ${p.expected} uncompressed bytes from ${p.stored}: corrupt or beyond the reader's ${p.limit} MiB limit`,
    (p) =>
      `le conteneur annonce ${p.expected} octets décompressés pour ${p.stored} octets stockés : corrompu, ou au-delà de la limite de ${p.limit} Mio du lecteur`,
  ),
  'blf.container-zlib': text<{ detail: string }>(
    (p) => `corrupt log container (zlib: ${p.detail})`,
    (p) => `conteneur corrompu (zlib : ${p.detail})`,
  ),
  'blf.container-inflates': text<{ length: number; expected: number; more: number }>(
    (p) =>
      `log container inflates to ${p.more ? 'more than ' : ''}${p.length} bytes, its header says ${p.expected}`,
    (p) =>
      `le conteneur se décompresse en ${p.more ? 'plus de ' : ''}${p.length} octets, son en-tête en annonce ${p.expected}`,
  ),
  'blf.container-stream': text<{ at: number }>(
    (p) => `corrupt object stream in the container at this offset: no 'LOBJ' at byte ${p.at} of its data`,
    (p) =>
      `suite d'objets corrompue dans le conteneur à ce décalage : pas de « LOBJ » à l'octet ${p.at} de ses données`,
  ),
  'blf.object-too-small': text<{ size: number; at: number }>(
    (p) => `object of ${p.size} bytes at byte ${p.at} of the container's data`,
    (p) => `objet de ${p.size} octets (moins que son en-tête) à l'octet ${p.at} des données du conteneur`,
  ),
  'blf.object-short': text<{ object: string }>(
    (p) => `${p.object} shorter than its fields`,
    (p) => `objet ${p.object} plus court que ses champs`,
  ),
  'blf.data-announced': text<{ announced: number; holds: number }>(
    (p) => `${p.announced} data bytes announced, the object holds ${p.holds}`,
    (p) => `${p.announced} octets de données annoncés, l'objet en contient ${p.holds}`,
  ),
  'blf.in-container': text<{ inner: ReasonParam; start: number }>(
    (p, say) => `${say(p.inner)} (object at byte ${p.start} of this container's data)`,
    (p, say) => `${say(p.inner)} (objet à l'octet ${p.start} des données de ce conteneur)`,
  ),

  // ── MF4 ──────────────────────────────────────────────────────────────────────────────────────
  'mf4.not-mf4': text<{ found: ReasonParam }>(
    (p, say) => `not an MF4 file: expected 'MDF     ' or 'UnFinMF ', found ${say(p.found)}`,
    (p, say) => `ce n'est pas un fichier MF4 : « MDF     » ou « UnFinMF » attendu, trouvé ${say(p.found)}`,
  ),
  'mf4.id-block-truncated': text(
    () => 'truncated file: the identification block needs 64 bytes',
    () => "fichier tronqué : le bloc d'identification demande 64 octets",
  ),
  'mf4.version': text<{ version: number }>(
    (p) => `MDF version ${p.version}: only MDF 4.x (MF4) is read, MDF 3 files are not`,
    (p) => `MDF version ${p.version} : seuls les MDF 4.x (MF4) sont lus, pas les fichiers MDF 3`,
  ),
  'mf4.header-of': text<{ what: ReasonParam }>(
    (p, say) => `the header of ${say(p.what)}`,
    (p, say) => `l'en-tête du bloc (${say(p.what)})`,
  ),
  'mf4.expected-hash': text<{ what: ReasonParam; found: ReasonParam; from: number }>(
    (p, say) => `expected ${say(p.what)} block ('##'), found ${say(p.found)} (link at byte ${p.from})`,
    (p, say) =>
      `bloc attendu (${say(p.what)}, commençant par « ## »), trouvé ${say(p.found)} (lien à l'octet ${p.from})`,
  ),
  'mf4.expected-block': text<{ what: ReasonParam; ids: string; found: string }>(
    (p, say) => `expected ${say(p.what)} (${p.ids.split('|').join(' or ')}), found ${p.found}`,
    (p, say) => `attendu : ${say(p.what)} (${p.ids.split('|').join(' ou ')}), trouvé ${p.found}`,
  ),
  'mf4.links-dont-fit': text<{ id: string; length: number; links: number }>(
    (p) => `${p.id} block of ${p.length} bytes cannot hold its ${p.links} links`,
    (p) => `le bloc ${p.id} de ${p.length} octets ne peut pas contenir ses ${p.links} liens`,
  ),
  'mf4.block-claims': text<{ id: string; length: number }>(
    (p) => `${p.id} block claims ${p.length} bytes: corrupt`,
    (p) => `le bloc ${p.id} annonce ${p.length} octets : corrompu`,
  ),
  'mf4.block-past-end': text<{ id: string; length: number; left: number }>(
    (p) => `truncated file: ${p.id} block of ${p.length} bytes goes past the end (${p.left} bytes left)`,
    (p) =>
      `fichier tronqué : le bloc ${p.id} de ${p.length} octets dépasse la fin (il reste ${p.left} octets)`,
  ),
  'mf4.block-named': text<{ id: string }>(
    (p) => `${p.id} block`,
    (p) => `le bloc ${p.id}`,
  ),
  'mf4.link-outside': text<{ what: ReasonParam; at: number; size: number }>(
    (p, say) => `link to ${say(p.what)} points to byte ${p.at}, outside the file (${p.size} bytes)`,
    (p, say) => `le lien vers ${say(p.what)} pointe sur l'octet ${p.at}, hors du fichier (${p.size} octets)`,
  ),
  'mf4.block-too-short': text<{ id: string }>(
    (p) => `${p.id} block too short`,
    (p) => `bloc ${p.id} trop court`,
  ),
  'mf4.record-id-size': text<{ size: number }>(
    (p) => `bad record id size ${p.size}`,
    (p) => `taille d'identifiant d'enregistrement invalide : ${p.size}`,
  ),
  'mf4.cc-too-short': text<{ count: number }>(
    (p) => `CC block too short for its ${p.count} values`,
    (p) => `bloc CC trop court pour ses ${p.count} valeurs`,
  ),
  'mf4.ld-unsupported': text(
    () => 'LD data lists (MDF 4.2) are not read',
    () => 'les listes de données LD (MDF 4.2) ne sont pas lues',
  ),
  'mf4.data-list-loop': text<{ at: number }>(
    (p) => `data list at byte ${p.at} links back to itself`,
    (p) => `la liste de données à l'octet ${p.at} renvoie sur elle-même`,
  ),
  'mf4.expected-data-block': text<{ found: string }>(
    (p) => `expected a data block (DT, SD, DZ), found ${p.found}`,
    (p) => `bloc de données attendu (DT, SD, DZ), trouvé ${p.found}`,
  ),
  'mf4.dz-compression': text<{ method: number }>(
    (p) => `unknown DZ compression ${p.method}`,
    (p) => `compression DZ inconnue : ${p.method}`,
  ),
  'mf4.dz-past-end': text<{ stored: number; left: number }>(
    (p) => `truncated file: DZ block of ${p.stored} bytes goes past the end (${p.left} left)`,
    (p) => `fichier tronqué : le bloc DZ de ${p.stored} octets dépasse la fin (il en reste ${p.left})`,
  ),
  'mf4.dz-claims': text<{ original: number; stored: number; limit: number }>(
    (p) =>
      `DZ block claims ${p.original} bytes from ${p.stored}: corrupt, or beyond the reader's ${p.limit} MiB limit`,
    (p) =>
      `le bloc DZ annonce ${p.original} octets pour ${p.stored} octets stockés : corrompu, ou au-delà de la limite de ${p.limit} Mio du lecteur`,
  ),
  'mf4.block-under-header': text<{ id: string; length: number }>(
    (p) => `${p.id} block of ${p.length} bytes is shorter than its header`,
    (p) => `le bloc ${p.id} de ${p.length} octets est plus court que son en-tête`,
  ),
  'mf4.block-data': text<{ at: number }>(
    (p) => `data of the block at byte ${p.at}`,
    (p) => `les données du bloc de l'octet ${p.at}`,
  ),
  'mf4.dz-block': text<{ at: number }>(
    (p) => `DZ block at byte ${p.at}`,
    (p) => `le bloc DZ de l'octet ${p.at}`,
  ),
  'mf4.dz-zlib': text<{ detail: string }>(
    (p) => `corrupt DZ block (zlib: ${p.detail})`,
    (p) => `bloc DZ corrompu (zlib : ${p.detail})`,
  ),
  'mf4.dz-inflates': text<{ length: number; expected: number; more: number }>(
    (p) =>
      `DZ block inflates to ${p.more ? 'more than ' : ''}${p.length} bytes, its header says ${p.expected}`,
    (p) =>
      `le bloc DZ se décompresse en ${p.more ? 'plus de ' : ''}${p.length} octets, son en-tête en annonce ${p.expected}`,
  ),
  'mf4.sd-value-corrupt': text<{ n: number; offset: number }>(
    (p) => `signal data value of ${p.n} bytes at offset ${p.offset}: corrupt`,
    (p) => `valeur de ${p.n} octets au décalage ${p.offset} des données de signal : corrompue`,
  ),
  'mf4.sd-offset-past-end': text<{ offset: number }>(
    (p) => `signal data offset ${p.offset} is past the end of the signal data`,
    (p) => `le décalage ${p.offset} dépasse la fin des données de signal`,
  ),
  'mf4.vlsd-never': text(
    () => 'VLSD values never arrive for the records pointing at them',
    () => "les valeurs VLSD n'arrivent jamais pour les enregistrements qui les désignent",
  ),
  'mf4.dg-loop': text<{ at: number }>(
    (p) => `data group list loops back to byte ${p.at}`,
    (p) => `la liste des groupes de données reboucle sur l'octet ${p.at}`,
  ),
  'mf4.cg-loop': text<{ at: number }>(
    (p) => `channel group list loops back to byte ${p.at}`,
    (p) => `la liste des groupes de canaux reboucle sur l'octet ${p.at}`,
  ),
  'mf4.cn-loop': text<{ at: number }>(
    (p) => `channel list loops back to byte ${p.at}`,
    (p) => `la liste des canaux reboucle sur l'octet ${p.at}`,
  ),
  'mf4.no-readable-can-group': text<{ problems: ReasonParam }>(
    (p, say) => `no CAN channel group can be read: ${say(p.problems)}`,
    (p, say) => `aucun groupe de canaux CAN lisible : ${say(p.problems)}`,
  ),
  'mf4.no-can-group': text(
    () =>
      'no CAN bus-logging channel group (CAN_DataFrame, CAN_RemoteFrame, CAN_ErrorFrame) in this MF4 file',
    () =>
      "aucun groupe de canaux d'enregistrement de bus CAN (CAN_DataFrame, CAN_RemoteFrame, CAN_ErrorFrame) dans ce fichier MF4",
  ),
  'mf4.cg-skipped': text<{ inner: ReasonParam }>(
    (p, say) => `channel group skipped: ${say(p.inner)}`,
    (p, say) => `groupe de canaux sauté : ${say(p.inner)}`,
  ),
  'mf4.cg-zero-records': text(
    () => 'channel group with records of 0 bytes',
    () => 'groupe de canaux aux enregistrements de 0 octet',
  ),
  'mf4.dg-without-ids': text<{ count: number }>(
    (p) => `data group without record ids holds ${p.count} channel groups`,
    (p) => `groupe de données sans identifiants d'enregistrement contenant ${p.count} groupes de canaux`,
  ),
  'mf4.unknown-record-id': text<{ rid: number }>(
    (p) => `unknown record id ${p.rid}: the rest of the data group cannot be read`,
    (p) => `identifiant d'enregistrement inconnu ${p.rid} : la suite du groupe de données est illisible`,
  ),
  'mf4.vlsd-record-corrupt': text<{ n: number }>(
    (p) => `VLSD record of ${p.n} bytes: corrupt`,
    (p) => `enregistrement VLSD de ${p.n} octets : corrompu`,
  ),
  'mf4.vlsd-past-data': text(
    () => 'VLSD record goes past the data',
    () => "l'enregistrement VLSD dépasse la fin des données",
  ),
  'mf4.bad-record-time': text<{ time: number }>(
    (p) => `record time ${p.time} µs is not a time`,
    (p) => `temps d'enregistrement ${p.time} µs : ce n'est pas un temps`,
  ),
  'mf4.partial-record': text<{ rest: number }>(
    (p) => `${p.rest} bytes at the end of the data group's data do not make a whole record`,
    (p) => `${p.rest} octets à la fin des données du groupe ne forment pas un enregistrement entier`,
  ),
  'mf4.logger-stopped': text<{ inner: ReasonParam }>(
    (p, say) => `${say(p.inner)} (the logger stopped mid-record)`,
    (p, say) => `${say(p.inner)} (l'enregistreur s'est arrêté au milieu d'un enregistrement)`,
  ),
  'mf4.in-dz': text<{ inner: ReasonParam }>(
    (p, say) => `${say(p.inner)} (in the inflated data of this DZ block)`,
    (p, say) => `${say(p.inner)} (dans les données décompressées de ce bloc DZ)`,
  ),
  'mf4.vlsd-missing': text(
    () => 'the record points at VLSD data that is not in the file',
    () => "l'enregistrement désigne des données VLSD absentes du fichier",
  ),
  'mf4.in-channel-group': text<{ at: number; inner: ReasonParam }>(
    (p, say) => `channel group at byte ${p.at}: ${say(p.inner)}`,
    (p, say) => `groupe de canaux à l'octet ${p.at} : ${say(p.inner)}`,
  ),
  'mf4.in-channel': text<{ at: number; inner: ReasonParam }>(
    (p, say) => `channel at byte ${p.at}: ${say(p.inner)}`,
    (p, say) => `canal à l'octet ${p.at} : ${say(p.inner)}`,
  ),
  'mf4.no-time-channel': text<{ kind: FrameKind }>(
    (p) => `${p.kind} frames without a time channel`,
    (p) => `trames ${FRAME_KIND_FR[p.kind]} sans canal de temps`,
  ),
  'mf4.no-id-channel': text<{ kind: FrameKind }>(
    (p) => `${p.kind} frames without an ID channel`,
    (p) => `trames ${FRAME_KIND_FR[p.kind]} sans canal d'identifiant`,
  ),
  'mf4.not-bus-field': text<{ type: number }>(
    (p) => `channel type ${p.type} is not a bus field`,
    (p) => `le type de canal ${p.type} n'est pas un champ de bus`,
  ),
  'mf4.big-endian-unaligned': text(
    () => 'big-endian field not on byte boundaries',
    () => "champ gros-boutiste (big-endian) qui n'est pas aligné sur les octets",
  ),
  'mf4.float-bits': text<{ bits: number }>(
    (p) => `float of ${p.bits} bits`,
    (p) => `flottant de ${p.bits} bits`,
  ),
  'mf4.not-a-number': text<{ type: number }>(
    (p) => `data type ${p.type} is not a number`,
    (p) => `le type de données ${p.type} n'est pas un nombre`,
  ),
  'mf4.field-bits': text<{ bits: number }>(
    (p) => `${p.bits}-bit field`,
    (p) => `champ de ${p.bits} bits`,
  ),
  'mf4.field-past-record': text<{ bytes: number }>(
    (p) => `field goes past the ${p.bytes}-byte record`,
    (p) => `le champ dépasse l'enregistrement de ${p.bytes} octets`,
  ),
  'mf4.vlsd-without-sd': text(
    () => 'VLSD data bytes without signal data',
    () => 'octets de données VLSD sans données de signal',
  ),
  'mf4.data-bytes-unaligned': text(
    () => 'data bytes not a byte array on byte boundaries',
    () => "les octets de données ne sont pas un tableau d'octets aligné",
  ),
  'mf4.data-bytes-past-record': text<{ bytes: number }>(
    (p) => `data bytes go past the ${p.bytes}-byte record`,
    (p) => `les octets de données dépassent l'enregistrement de ${p.bytes} octets`,
  ),
  'mf4.id-invalid': text(
    () => 'the frame id is marked invalid',
    () => "l'identifiant de la trame est marqué invalide",
  ),
  'mf4.length-vs-stored': text<{ n: number; stored: number }>(
    (p) => `data length ${p.n} but ${p.stored} data bytes stored`,
    (p) => `longueur de données ${p.n} mais ${p.stored} octets de données stockés`,
  ),
  'mf4.length-vs-sd': text<{ n: number; stored: number }>(
    (p) => `data length ${p.n} but ${p.stored} bytes of signal data`,
    (p) => `longueur de données ${p.n} mais ${p.stored} octets de données de signal`,
  ),
  'mf4.length-no-data': text<{ length: number }>(
    (p) => `data length ${p.length} but no data bytes`,
    (p) => `longueur de données ${p.length} mais aucun octet de données`,
  ),
};

/** MF4 bus-logging channel groups hold one kind of frame each. */
type FrameKind = 'data' | 'remote' | 'error';
const FRAME_KIND_FR: Record<FrameKind, string> = {
  data: 'de données',
  remote: 'de requête (RTR)',
  error: "d'erreur",
};

/**
 * The parts of a file reasons name, keyed by the English words the parsers pass (with their
 * article, as the English sentences use them), in French with the article French needs.
 */
export const TERMS = {
  padding: 'le bourrage',
  'an object header': "un en-tête d'objet",
  'an object': 'un objet',
  'a log container': 'un conteneur',
  'the header block': "le bloc d'en-tête (HD)",
  'a data group': 'un groupe de données (DG)',
  'a channel group': 'un groupe de canaux (CG)',
  'a channel': 'un canal (CN)',
  'a conversion': 'une conversion (CC)',
  'a source': 'une source (SI)',
  'a text': 'un texte (TX ou MD)',
  data: 'des données',
  'a header list': "une liste d'en-tête (HL)",
  'a data list': 'une liste de données (DL)',
  'a data block': 'un bloc de données',
  'a DZ block header': 'un en-tête de bloc DZ',
} as const;
export type Term = keyof typeof TERMS;
