import type { InvoiceDocument } from '../invoice.js';

/** A garage invoice as the workshop would issue one: labour, parts at 20 %, a customer in Lyon. */
export function sampleInvoice(over: Partial<InvoiceDocument> = {}): InvoiceDocument {
  return {
    typeCode: '380',
    number: 'FA-2026-000042',
    issueDate: '2026-03-10',
    deliveryDate: '2026-03-09',
    dueDate: '2026-03-10',
    paymentTerms: 'Payable à réception',
    currency: 'EUR',
    seller: {
      name: 'Garage des Apprentis SARL',
      legalForm: 'SARL au capital de 8 000 €',
      siret: '12345678900014',
      vatId: 'FR32123456789',
      register: 'RCS Lyon 123 456 789',
      address: { line1: '12 rue des Ateliers', postcode: '69007', city: 'Lyon', country: 'FR' },
      email: 'atelier@example.fr',
      phone: '04 72 00 00 00',
    },
    buyer: {
      name: 'Camille Martin',
      address: { line1: '3 place Bellecour', postcode: '69002', city: 'Lyon', country: 'FR' },
    },
    buyerReference: 'OR-2026-00007',
    lines: [
      {
        id: '1',
        name: 'Remplacement des plaquettes avant',
        quantityMilli: 1500,
        unitCode: 'HUR',
        unitPriceCents: 6500,
        vatRateBp: 2000,
        note: 'Temps barème constructeur',
      },
      {
        id: '2',
        name: 'Plaquettes de frein avant',
        sellerRef: 'BP-4471 & <co>',
        quantityMilli: 1000,
        unitCode: 'C62',
        unitPriceCents: 4890,
        vatRateBp: 2000,
      },
    ],
    notes: [
      { subject: 'PMD', text: 'Pénalités de retard : trois fois le taux d’intérêt légal.' },
      { subject: 'AAB', text: 'Pas d’escompte pour paiement anticipé.' },
    ],
    paymentMeans: { typeCode: '30', iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPP' },
    ...over,
  };
}
