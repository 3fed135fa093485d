/** Two pump trains, each a valve or a pump, both needed: the model the fta command tests run on. */
export const TWO_TRAINS_MEF = `<?xml version="1.0"?>
<opsa-mef>
  <define-fault-tree name="TwoTrains">
    <define-gate name="TopEvent"><and><gate name="TrainOne"/><gate name="TrainTwo"/></and></define-gate>
    <define-gate name="TrainOne"><or><basic-event name="ValveOne"/><basic-event name="PumpOne"/></or></define-gate>
    <define-gate name="TrainTwo"><or><basic-event name="ValveTwo"/><basic-event name="PumpTwo"/></or></define-gate>
    <define-basic-event name="ValveOne"><float value="0.5"/></define-basic-event>
    <define-basic-event name="ValveTwo"><float value="0.5"/></define-basic-event>
    <define-basic-event name="PumpOne"><float value="0.7"/></define-basic-event>
    <define-basic-event name="PumpTwo"><float value="0.7"/></define-basic-event>
  </define-fault-tree>
</opsa-mef>
`;
