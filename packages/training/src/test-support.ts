import { VirtualClock } from '@atelier/clock';
import { interpretMeasurements, type VehicleType, type WorkshopTest } from '@atelier/diagnosis';
import { ObdClient } from '@atelier/obd';
import { ResponderLink, type Scenario, Vehicle } from '@atelier/vehicle-sim';
import { answerOnCar, simulatedEngineControls } from './sim-apprentice.js';

/**
 * A workshop test measured on a fresh car of the scenario by the apprentice's hands, and read by the
 * knowledge base: its outcome, or undefined when the car gave nothing to read.
 */
export async function outcomeOnCar(
  scenario: Scenario,
  test: WorkshopTest,
  vehicleType: VehicleType,
): Promise<'good' | 'bad' | undefined> {
  const clock = new VirtualClock();
  const vehicle = Vehicle.fromScenario(scenario, { startMs: 0 });
  const link = new ResponderLink(vehicle, { clock });
  try {
    const answer = await answerOnCar(
      {
        vehicle,
        obd: new ObdClient(link),
        clock,
        controls: simulatedEngineControls(vehicle, clock),
        vehicleType,
      },
      test,
    );
    if (typeof answer === 'string' || !('measured' in answer)) return undefined;
    return interpretMeasurements(test, answer.measured)?.outcome;
  } finally {
    await link.close();
  }
}
