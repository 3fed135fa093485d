export { InvoiceDataError, NS, toCii, xmlSafe } from './cii.js';
export { checkEn16931, type RuleViolation } from './en16931-rules.js';
export {
  type DocLang,
  type FacturxOptions,
  type FacturxResult,
  facturxPdf,
  formatEuros,
  formatIsoDate,
} from './facturx-pdf.js';
export { srgbIccProfile } from './icc.js';
export {
  EN16931_GUIDELINE,
  type InvoiceDocument,
  type InvoiceLine,
  type InvoiceNote,
  type Party,
  type PaymentMeans,
  type PostalAddress,
} from './invoice.js';
export {
  AmountError,
  bpToPercent,
  type Cents,
  categoryOf,
  centsToDecimal,
  computeTotals,
  lineNet,
  milliToDecimal,
  type PricedLine,
  parseDecimal,
  type Totals,
  type VatBreakdown,
  type VatCategory,
  vatOn,
} from './money.js';
export { FACTURX_NS, facturxXmp } from './xmp.js';
